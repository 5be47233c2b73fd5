using System.Net.Http.Headers;

namespace X0tta6bl4.Ops.Metrics.Settings;

/// <summary>
/// A header sent with every request to a configured server (<c>…:Headers:N:Name</c> / <c>:Value</c>): a tenant, a token,
/// <c>Authorization: Basic …</c>. The value is a secret: never logged, shown or quoted in a message.
/// </summary>
public sealed class HeaderSetting
{
    public string Name { get; set; } = string.Empty;

    public string Value { get; set; } = string.Empty;
}

/// <summary>The one check and the one way of sending configured headers, for every server that takes them.</summary>
public static class HeaderSettings
{
    // The headers HttpClient sets itself, or that would break the request if set by hand.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Accept-Encoding",
    };

    /// <param name="key">The configuration key of the list, e.g. "Sources:Prometheus:Headers".</param>
    public static void Check(List<string> errors, string key, IReadOnlyList<HeaderSetting> headers)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (header, i) in headers.Select((h, i) => (h, i)))
        {
            var at = $"{key}:{i}";
            if (string.IsNullOrWhiteSpace(header.Name) || !header.Name.All(IsTokenChar))
            {
                errors.Add($"{at}:Name '{header.Name}' is not an HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only).");
            }
            else if (Reserved.Contains(header.Name))
            {
                errors.Add($"{at}:Name '{header.Name}' is set by the HTTP client itself and cannot be configured.");
            }
            else if (!names.Add(header.Name))
            {
                errors.Add($"{at}:Name '{header.Name}' is given twice.");
            }

            if (string.IsNullOrEmpty(header.Value))
            {
                errors.Add($"{at}:Value (of '{header.Name}') is empty.");
            }
            else if (header.Value.Any(c => c is '\r' or '\n' or '\0'))
            {
                errors.Add($"{at}:Value (of '{header.Name}') contains a line break or NUL; a header value cannot.");
            }
        }
    }

    /// <summary>Sets the (validated) headers, replacing any of the same name; unvalidated adds so "Bearer …" goes as given.</summary>
    public static void Apply(HttpHeaders target, IEnumerable<HeaderSetting> headers)
    {
        foreach (var header in headers)
        {
            target.Remove(header.Name);
            target.TryAddWithoutValidation(header.Name, header.Value);
        }
    }

    // RFC 9110 token characters.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);
}

namespace X0tta6bl4.Ops.Collector.Configuration;

/// <summary>
/// Sources:Prometheus's URL credentials, headers and GET length. A header value is a secret: no message quotes it.
/// </summary>
internal static class PrometheusHeadersValidation
{
    // The headers HttpClient sets itself, or that would break the request if set by hand.
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Content-Type", "Transfer-Encoding", "Connection", "Accept-Encoding",
    };

    public static void Check(List<string> errors, PrometheusSourceOptions options)
    {
        if (Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
        {
            // The URL is shown on the Targets page and in logs; a password in it would be shown with it.
            errors.Add("Sources:Prometheus:Url must not hold credentials (user:password@); send them as a header "
                       + "(Sources:Prometheus:Headers:0:Name=Authorization, Sources:Prometheus:Headers:0:Value='Basic …' or 'Bearer …').");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (header, i) in options.Headers.Select((h, i) => (h, i)))
        {
            var key = $"Sources:Prometheus:Headers:{i}";
            if (string.IsNullOrWhiteSpace(header.Name) || !header.Name.All(IsTokenChar))
            {
                errors.Add($"{key}:Name '{header.Name}' is not an HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only).");
            }
            else if (Reserved.Contains(header.Name))
            {
                errors.Add($"{key}:Name '{header.Name}' is set by the HTTP client itself and cannot be configured.");
            }
            else if (!names.Add(header.Name))
            {
                errors.Add($"{key}:Name '{header.Name}' is given twice.");
            }

            if (string.IsNullOrEmpty(header.Value))
            {
                errors.Add($"{key}:Value (of '{header.Name}') is empty.");
            }
            else if (header.Value.Any(c => c is '\r' or '\n' or '\0'))
            {
                errors.Add($"{key}:Value (of '{header.Name}') contains a line break or NUL; a header value cannot.");
            }
        }

        if (options.MaxGetUrlLength is < 0 or > 65_536)
        {
            errors.Add($"Sources:Prometheus:MaxGetUrlLength must be between 0 (always POST) and 65536 (was {options.MaxGetUrlLength}).");
        }
    }

    // RFC 9110 token characters.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c);
}

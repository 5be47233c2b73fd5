using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Metrics.Alerts;

/// <summary>
/// Section "Dashboard": the address users reach the dashboard at, for the links it sends out — an alert's
/// generatorURL opens the page and time window that shows the problem. Behind a proxy or ingress, its public address.
/// </summary>
public sealed class DashboardLinkOptions
{
    public const string Section = "Dashboard";

    public string ExternalUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>{ExternalUrl}/{page}?range=custom&amp;from=…&amp;to=…, for links read outside the dashboard.</summary>
    public string Link(string page, DateTimeOffset from, DateTimeOffset to) => ExternalUrl.TrimEnd('/') + PagePath(page, from, to);

    /// <summary>/{page}?range=custom&amp;from=…&amp;to=… (times in UTC, whole seconds): a page at a time window, as every page reads it.</summary>
    public static string PagePath(string page, DateTimeOffset from, DateTimeOffset to) => $"/{page}?range=custom&from={Iso(from)}&to={Iso(to)}";

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
}

public sealed class DashboardLinkOptionsValidator : IValidateOptions<DashboardLinkOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardLinkOptions options) =>
        Uri.TryCreate(options.ExternalUrl, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"Dashboard:ExternalUrl must be an absolute http or https address (was '{options.ExternalUrl}').");
}

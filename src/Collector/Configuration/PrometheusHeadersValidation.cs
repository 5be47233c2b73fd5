using X0tta6bl4.Ops.Metrics.Settings;

namespace X0tta6bl4.Ops.Collector.Configuration;

/// <summary>
/// Sources:Prometheus's URL credentials, headers and GET length. A header value is a secret: no message quotes it.
/// </summary>
internal static class PrometheusHeadersValidation
{
    public static void Check(List<string> errors, PrometheusSourceOptions options)
    {
        if (Uri.TryCreate(options.Url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0)
        {
            // The URL is shown on the Targets page and in logs; a password in it would be shown with it.
            errors.Add("Sources:Prometheus:Url must not hold credentials (user:password@); send them as a header "
                       + "(Sources:Prometheus:Headers:0:Name=Authorization, Sources:Prometheus:Headers:0:Value='Basic …' or 'Bearer …').");
        }

        HeaderSettings.Check(errors, "Sources:Prometheus:Headers", options.Headers);

        if (options.MaxGetUrlLength is < 0 or > 65_536)
        {
            errors.Add($"Sources:Prometheus:MaxGetUrlLength must be between 0 (always POST) and 65536 (was {options.MaxGetUrlLength}).");
        }
    }
}

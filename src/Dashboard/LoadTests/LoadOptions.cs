using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Dashboard.LoadTests;

/// <summary>Section "Load": where load runs may aim, and how many may run at once.</summary>
public sealed class LoadOptions
{
    public const string Section = "Load";

    /// <summary>Hosts a plan may target. Empty (the default): the hosts of the configured scrape targets.</summary>
    public List<string> AllowedHosts { get; set; } = [];

    /// <summary>Runs at once across every dashboard on the store.</summary>
    public int MaxConcurrentRuns { get; set; } = 1;

    /// <summary>The base URL the form starts with. Empty: the first scrape target's scheme, host and port.</summary>
    public string? DefaultBaseUrl { get; set; }
}

public sealed class LoadOptionsValidator : IValidateOptions<LoadOptions>
{
    public ValidateOptionsResult Validate(string? name, LoadOptions options)
    {
        var errors = new List<string>();
        if (options.MaxConcurrentRuns is < 1 or > 10)
        {
            errors.Add($"Load:MaxConcurrentRuns must be between 1 and 10 (was {options.MaxConcurrentRuns}).");
        }

        foreach (var (host, i) in options.AllowedHosts.Select((h, i) => (h, i)))
        {
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host.Trim('[', ']')) == UriHostNameType.Unknown)
            {
                errors.Add($"Load:AllowedHosts:{i} '{host}' is not a host name or address.");
            }
        }

        if (!string.IsNullOrEmpty(options.DefaultBaseUrl) && !Uri.TryCreate(options.DefaultBaseUrl, UriKind.Absolute, out _))
        {
            errors.Add($"Load:DefaultBaseUrl '{options.DefaultBaseUrl}' is not an absolute URL.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

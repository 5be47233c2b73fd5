using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Collector.Configuration;

/// <summary>Checks the collector's configuration and reports every problem at once.</summary>
public sealed class CollectorOptionsValidator : IValidateOptions<CollectorOptions>
{
    public ValidateOptionsResult Validate(string? name, CollectorOptions options)
    {
        var errors = new List<string>();
        if (options.WindowSeconds is < 5 or > 3600)
        {
            errors.Add($"Collector:WindowSeconds must be between 5 and 3600 (was {options.WindowSeconds}).");
        }

        if (!double.IsFinite(options.LeaseSeconds) || options.LeaseSeconds is < 0.3 or > 3600)
        {
            errors.Add($"Collector:LeaseSeconds must be between 0.3 and 3600 (was {options.LeaseSeconds}).");
        }

        if (options.InstanceName is { } instance && (instance.Length is 0 or > 200 || instance.Any(char.IsControl)))
        {
            errors.Add("Collector:InstanceName must be 1 to 200 printable characters.");
        }

        if (options.BufferCapacity < 1000)
        {
            errors.Add($"Collector:BufferCapacity must be at least 1000 samples (was {options.BufferCapacity}).");
        }

        if (options.SpoolMaxBytes < 1024 * 1024)
        {
            errors.Add($"Collector:SpoolMaxBytes must be at least 1048576 (1 MiB) (was {options.SpoolMaxBytes}).");
        }

        foreach (var (metric, i) in options.LatencyHistograms.Select((m, i) => (m, i)))
        {
            if (string.IsNullOrWhiteSpace(metric.Name))
            {
                errors.Add($"Collector:LatencyHistograms:{i}:Name is empty.");
            }
        }

        foreach (var (metric, i) in options.RequestCounters.Select((m, i) => (m, i)))
        {
            if (string.IsNullOrWhiteSpace(metric.Name) || string.IsNullOrWhiteSpace(metric.StatusLabel))
            {
                errors.Add($"Collector:RequestCounters:{i} needs both Name and StatusLabel.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

public sealed class SourcesOptionsValidator : IValidateOptions<SourcesOptions>
{
    public ValidateOptionsResult Validate(string? name, SourcesOptions options)
    {
        var errors = new List<string>();
        CheckInterval(errors, "Sources:Scrape", options.Scrape.IntervalSeconds, options.Scrape.TimeoutSeconds);
        CheckInterval(errors, "Sources:Prometheus", options.Prometheus.IntervalSeconds, options.Prometheus.TimeoutSeconds);

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (target, i) in options.Scrape.Targets.Select((t, i) => (t, i)))
        {
            if (string.IsNullOrWhiteSpace(target.Name))
            {
                errors.Add($"Sources:Scrape:Targets:{i}:Name is empty.");
            }
            else if (!names.Add(target.Name))
            {
                errors.Add($"Sources:Scrape:Targets:{i}:Name '{target.Name}' is used twice.");
            }

            if (!IsHttpUrl(target.Url))
            {
                errors.Add($"Sources:Scrape:Targets:{i}:Url '{target.Url}' is not an absolute http(s) URL.");
            }
        }

        if (!string.IsNullOrEmpty(options.Prometheus.Url) && !IsHttpUrl(options.Prometheus.Url))
        {
            errors.Add($"Sources:Prometheus:Url '{options.Prometheus.Url}' is not an absolute http(s) URL (leave it empty to disable).");
        }

        PrometheusHeadersValidation.Check(errors, options.Prometheus);

        if (!string.IsNullOrEmpty(options.Redis.Endpoint))
        {
            CheckInterval(errors, "Sources:Redis", options.Redis.IntervalSeconds, options.Redis.TimeoutSeconds);
            try
            {
                X0tta6bl4.Ops.Collector.Sources.Redis.RedisDerivation.ParseEndpoint(options.Redis.Endpoint);
            }
            catch (FormatException e)
            {
                errors.Add($"Sources:Redis:Endpoint {e.Message} (leave it empty to disable).");
            }

            if (string.IsNullOrWhiteSpace(options.Redis.Name))
            {
                errors.Add("Sources:Redis:Name is empty.");
            }

            // AUTH with a user name always takes a password; a user without one would silently connect as "default".
            if (!string.IsNullOrEmpty(options.Redis.User) && string.IsNullOrEmpty(options.Redis.Password))
            {
                errors.Add($"Sources:Redis:User '{options.Redis.User}' is set without Sources:Redis:Password (environment: Sources__Redis__Password).");
            }

            if (!string.IsNullOrEmpty(options.Redis.TlsCaFile))
            {
                if (!options.Redis.Tls)
                {
                    errors.Add("Sources:Redis:TlsCaFile is set but Sources:Redis:Tls is false.");
                }
                else if (!File.Exists(options.Redis.TlsCaFile))
                {
                    errors.Add($"Sources:Redis:TlsCaFile '{options.Redis.TlsCaFile}' does not exist.");
                }
            }

            if (options.Redis.User?.Any(char.IsWhiteSpace) == true)
            {
                errors.Add("Sources:Redis:User contains white space; Redis ACL user names cannot.");
            }
        }

        if (!string.IsNullOrEmpty(options.Postgres.Connection))
        {
            CheckInterval(errors, "Sources:Postgres", options.Postgres.IntervalSeconds, options.Postgres.TimeoutSeconds);
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder(options.Postgres.Connection);
            }
            catch (ArgumentException e)
            {
                errors.Add($"Sources:Postgres:Connection is not a valid connection string: {e.Message}");
            }

            if (options.Postgres.StatementTimeoutMs is < 100 or > 60_000)
            {
                errors.Add($"Sources:Postgres:StatementTimeoutMs must be between 100 and 60000 (was {options.Postgres.StatementTimeoutMs}).");
            }

            if (options.Postgres.TopStatements is < 0 or > 100)
            {
                errors.Add($"Sources:Postgres:TopStatements must be between 0 and 100 (was {options.Postgres.TopStatements}).");
            }
        }

        if (options.Prometheus.Attempts is < 1 or > 10)
        {
            errors.Add($"Sources:Prometheus:Attempts must be between 1 and 10 (was {options.Prometheus.Attempts}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckInterval(List<string> errors, string section, int interval, int timeout)
    {
        if (interval is < 1 or > 3600)
        {
            errors.Add($"{section}:IntervalSeconds must be between 1 and 3600 (was {interval}).");
        }

        if (timeout < 1 || timeout > interval)
        {
            errors.Add($"{section}:TimeoutSeconds must be at least 1 and at most the interval (was {timeout}, interval {interval}).");
        }
    }

    private static bool IsHttpUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

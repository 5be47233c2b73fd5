using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Dashboard.QueryApi;

/// <summary>Section "QueryApi": the limits that keep one client of the query API from hurting the process or the pages.</summary>
public sealed class QueryApiOptions
{
    public const string Section = "QueryApi";

    /// <summary>Characters in a query (or one match[]); a regex's automaton grows with its text.</summary>
    public int MaxQueryLength { get; set; } = 4_096;

    /// <summary>Points in one answer, over all its series; the store's reads are held in memory while the answer is written.</summary>
    public int MaxPoints { get; set; } = 2_000_000;

    /// <summary>Seconds a request may take before it is answered with a timeout error.</summary>
    public double TimeoutSeconds { get; set; } = 30;

    /// <summary>Query API requests running at once over all clients; the pages read the same store, outside this limit.</summary>
    public int MaxConcurrent { get; set; } = Math.Max(4, 2 * Environment.ProcessorCount);

    /// <summary>Query API requests running at once for one client (a signed-in user, or an address).</summary>
    public int MaxConcurrentPerClient { get; set; } = 8;

    /// <summary>Requests that wait for a slot (per limit) before more are refused with 429.</summary>
    public int QueueLimit { get; set; } = 64;
}

public sealed class QueryApiOptionsValidator : IValidateOptions<QueryApiOptions>
{
    public ValidateOptionsResult Validate(string? name, QueryApiOptions o)
    {
        var errors = new List<string>();
        Check(o.MaxQueryLength is >= 64 and <= 1_000_000, $"QueryApi:MaxQueryLength must be 64–1000000 (was {o.MaxQueryLength}).");
        Check(o.MaxPoints is >= 11_000 and <= 100_000_000, $"QueryApi:MaxPoints must be 11000–100000000 (was {o.MaxPoints}).");
        Check(double.IsFinite(o.TimeoutSeconds) && o.TimeoutSeconds is >= 1 and <= 3600, $"QueryApi:TimeoutSeconds must be 1–3600 (was {o.TimeoutSeconds}).");
        Check(o.MaxConcurrent is >= 1 and <= 10_000, $"QueryApi:MaxConcurrent must be 1–10000 (was {o.MaxConcurrent}).");
        Check(o.MaxConcurrentPerClient is >= 1 and <= 10_000, $"QueryApi:MaxConcurrentPerClient must be 1–10000 (was {o.MaxConcurrentPerClient}).");
        Check(o.QueueLimit is >= 0 and <= 100_000, $"QueryApi:QueueLimit must be 0–100000 (was {o.QueueLimit}).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);

        void Check(bool ok, string error)
        {
            if (!ok)
            {
                errors.Add(error);
            }
        }
    }
}

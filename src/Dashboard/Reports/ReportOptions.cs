using Microsoft.Extensions.Options;

namespace X0tta6bl4.Ops.Dashboard.Reports;

/// <summary>Section "Reports": the bottleneck rules' thresholds, Chromium for PDF, and the optional schedule.</summary>
public sealed class ReportOptions
{
    public const string Section = "Reports";

    /// <summary>Pool use above this share of the maximum is a bottleneck (the seed's 60 %).</summary>
    public double PoolUsePercent { get; set; } = 60;

    /// <summary>A statement whose mean time exceeds this is a bottleneck.</summary>
    public double SlowStatementMs { get; set; } = 500;

    public double DbCacheHitPercent { get; set; } = 99;

    public double RedisHitPercent { get; set; } = 90;

    /// <summary>CPU or memory headroom under the limit below this share is a bottleneck.</summary>
    public double HeadroomPercent { get; set; } = 30;

    /// <summary>Dead rows growing faster than this per day point at vacuum falling behind.</summary>
    public double DeadRowsPerDay { get; set; } = 10_000;

    public double ScrapeSuccessPercent { get; set; } = 99;

    /// <summary>The Chromium used to print PDFs; empty: the first of chromium, chromium-browser, google-chrome on PATH.</summary>
    public string ChromiumPath { get; set; } = "";

    /// <summary>"", "daily" or "weekly": save a report of the last day or week on that schedule.</summary>
    public string Schedule { get; set; } = "";
}

public sealed class ReportOptionsValidator : IValidateOptions<ReportOptions>
{
    public ValidateOptionsResult Validate(string? name, ReportOptions o)
    {
        var problems = new List<string>();
        void Percent(string key, double value)
        {
            if (!double.IsFinite(value) || value is < 0 or > 100)
            {
                problems.Add($"Reports:{key} must be a percentage between 0 and 100 (was {value}).");
            }
        }

        Percent(nameof(o.PoolUsePercent), o.PoolUsePercent);
        Percent(nameof(o.DbCacheHitPercent), o.DbCacheHitPercent);
        Percent(nameof(o.RedisHitPercent), o.RedisHitPercent);
        Percent(nameof(o.HeadroomPercent), o.HeadroomPercent);
        Percent(nameof(o.ScrapeSuccessPercent), o.ScrapeSuccessPercent);
        if (!double.IsFinite(o.SlowStatementMs) || o.SlowStatementMs <= 0)
        {
            problems.Add($"Reports:SlowStatementMs must be a positive number of milliseconds (was {o.SlowStatementMs}).");
        }

        if (!double.IsFinite(o.DeadRowsPerDay) || o.DeadRowsPerDay < 0)
        {
            problems.Add($"Reports:DeadRowsPerDay must be zero or more (was {o.DeadRowsPerDay}).");
        }

        if (o.Schedule is not ("" or "daily" or "weekly"))
        {
            problems.Add($"Reports:Schedule must be empty, 'daily' or 'weekly' (was '{o.Schedule}').");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

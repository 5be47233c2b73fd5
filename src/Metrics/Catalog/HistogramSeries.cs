using System.Globalization;

namespace X0tta6bl4.Ops.Metrics.Catalog;

/// <summary>
/// Per-poll increases of cumulative histogram buckets, so a report can add them up over any window and
/// estimate quantiles over the whole window (not the mean of per-poll quantiles). See docs/catalog.md.
/// </summary>
public static class HistogramSeries
{
    /// <summary>Observations the request-duration histogram's cumulative bucket <c>le</c> gained since the previous poll of the source; labels job, le, source.</summary>
    public const string ApiLatencyBucketIncrease = "api_latency_bucket_increase";

    /// <summary>As <see cref="ApiLatencyBucketIncrease"/>, per endpoint (route template); labels job, endpoint, le, source.</summary>
    public const string ApiEndpointLatencyBucketIncrease = "api_endpoint_latency_bucket_increase";

    /// <summary>As <see cref="ApiLatencyBucketIncrease"/>, for the Api's query-duration histogram; labels job, query (class), le, source.</summary>
    public const string DbQueryBucketIncrease = "db_query_bucket_increase";

    /// <summary>The x0tta6bl4 Api's query-duration histogram (label <c>query</c>: select, join, transaction, bulk_insert …).</summary>
    public const string DbQueryHistogram = "x0tta6bl4_db_query_duration_seconds";

    /// <summary>
    /// The one text of a bucket bound, whichever source read it: "+Inf" for the top bucket, a finite bound as the
    /// shortest text that reads back to the same double ("0.005", "0.1", "1", "2.5", "0.00125"), which is what
    /// Prometheus's clients write. Parsing first means "1", "1.0" and "1e0" all become "1".
    /// </summary>
    public static string FormatLe(double bound) =>
        double.IsPositiveInfinity(bound) ? "+Inf" : bound.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Reads an <c>le</c> label as Prometheus does ("+Inf", "Inf", any float); false for anything else.</summary>
    public static bool TryParseLe(string? le, out double bound)
    {
        bound = 0;
        if (le is null)
        {
            return false;
        }

        if (le is "+Inf" or "Inf" or "inf" or "+inf")
        {
            bound = double.PositiveInfinity;
            return true;
        }

        return double.TryParse(le, NumberStyles.Float, CultureInfo.InvariantCulture, out bound) && !double.IsNaN(bound);
    }
}

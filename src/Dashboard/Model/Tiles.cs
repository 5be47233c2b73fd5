using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>Builds tiles the same way on every page: missing stays "no data", old data is "stale".</summary>
public static class Tiles
{
    /// <summary>A figure older than this is flagged stale (four default scrape intervals).</summary>
    public static readonly TimeSpan StaleAfter = JobSource.StaleAfter;

    public static MetricTile Make(string id, string title, double? value, long? timestampMs, DateTimeOffset now,
        Func<double, string> format, Func<double, bool>? meetsTarget, string target, string how)
    {
        if (value is null || timestampMs is null || double.IsNaN(value.Value))
        {
            return new MetricTile(id, title, null, "no data", null, "never", TileStatus.Missing, target, how);
        }

        var at = DateTimeOffset.FromUnixTimeMilliseconds(timestampMs.Value);
        var status = now - at > StaleAfter ? TileStatus.Stale
            : meetsTarget is null || meetsTarget(value.Value) ? TileStatus.Ok : TileStatus.Breach;
        return new MetricTile(id, title, value, format(value.Value), timestampMs, Display.Ago(now, at), status, target, how);
    }

    /// <summary>A tile that states a fact in words (e.g. "no limit"), still with its freshness.</summary>
    public static MetricTile Text(string id, string title, string text, long? timestampMs, DateTimeOffset now, string how) =>
        timestampMs is null
            ? new MetricTile(id, title, null, "no data", null, "never", TileStatus.Missing, "—", how)
            : new MetricTile(id, title, null, text, timestampMs, Display.Ago(now, DateTimeOffset.FromUnixTimeMilliseconds(timestampMs.Value)),
                now - DateTimeOffset.FromUnixTimeMilliseconds(timestampMs.Value) > StaleAfter ? TileStatus.Stale : TileStatus.Ok, "—", how);
}

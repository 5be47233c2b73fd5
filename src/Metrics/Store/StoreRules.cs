using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>Rules every store applies the same way.</summary>
public static class StoreRules
{
    /// <summary>SQLite would turn NaN into NULL; refusing it everywhere keeps "no value" distinct from a stored number.</summary>
    public static bool IsRefused(SeriesSample sample, out string reason)
    {
        // The reason is only spelled out for a refused sample: formatting it for each one was the write path's largest cost.
        reason = double.IsNaN(sample.Value) ? $"NaN is not stored (series {sample.Key}); a missing value is a gap." : "";
        return reason.Length > 0;
    }
}

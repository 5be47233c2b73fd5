using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Model;

/// <summary>
/// The application's database — the one <c>Sources:Postgres:Connection</c> names — whose pg_database_size is the seed's
/// one "Data Size" on the Capacity page, on the Database page and in the report; other databases on the same server
/// (postgres, another application's) are listed apart, never added to it. The PostgreSQL source measures index sizes
/// of its own database only, so the <c>database</c> label of its <c>db_index_size_bytes</c> series names it.
/// </summary>
public static class ApplicationDatabase
{
    public const string Definition = "the database of Sources:Postgres:Connection";

    /// <summary>The database named by the newest of the source's index-size series; null when none is stored.</summary>
    public static string? From(IEnumerable<LatestSample> indexSizes) => indexSizes.MaxBy(s => s.Sample.TimestampMs)?.Key["database"];

    /// <summary>The same from series read over a window: the one with the most samples in it.</summary>
    public static string? From(IEnumerable<(SeriesKey Key, long Samples)> indexSizes) => indexSizes.OrderByDescending(s => s.Samples).Select(s => s.Key["database"]).FirstOrDefault();
}

using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Postgres;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;

// StoreWriter sqlite|postgres PATH_OR_CONNECTION FIRST_BATCH START_MS SERIES
// Writes batch after batch (batch i: every series at START_MS + i s, value i) and prints "committed i" once
// each write has returned, until it is killed. The crash test reads those lines to know what must survive.
if (args.Length != 5 || !long.TryParse(args[2], out var first) || !long.TryParse(args[3], out var startMs) || !int.TryParse(args[4], out var series))
{
    Console.Error.WriteLine("usage: StoreWriter sqlite|postgres PATH_OR_CONNECTION FIRST_BATCH START_MS SERIES");
    return 2;
}

IMetricStore store = args[0] == "postgres" ? await PostgresMetricStore.OpenAsync(args[1]) : await SqliteMetricStore.OpenAsync(args[1]);
var keys = Enumerable.Range(0, series).Select(s => SeriesKey.Of("crash_metric", ("series", $"s{s:D3}"))).ToArray();
Console.Out.Flush();
for (var i = first; ; i++)
{
    var ts = startMs + i * 1_000;
    await store.WriteAsync(keys.Select(k => new SeriesSample(k, ts, i)).ToList());
    Console.WriteLine($"committed {i}");
    Console.Out.Flush();
}

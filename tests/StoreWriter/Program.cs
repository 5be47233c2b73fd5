using X0tta6bl4.Ops.Metrics.Model;
using X0tta6bl4.Ops.Metrics.Store;
using X0tta6bl4.Ops.Metrics.Store.Postgres;
using X0tta6bl4.Ops.Metrics.Store.Sqlite;

// StoreWriter sqlite|postgres PATH_OR_CONNECTION FIRST_BATCH START_MS SERIES
// Writes batch after batch (batch i: every series at START_MS + i s, value i) and prints "committed i" once
// each write has returned, until it is killed. The crash test reads those lines to know what must survive.
// StoreWriter retain sqlite|postgres PATH_OR_CONNECTION START_MS DAYS
// Enforces a one-day raw retention as of START_MS + 2, 3, … DAYS + 1 days (each drops, and folds into the 1-min tier,
// the next day of raw samples) and prints "retained d" after each, for the retention crash test.
if (args is ["retain", var kind, var target, var startText, var daysText])
{
    IMetricStore retained = kind == "postgres" ? await PostgresMetricStore.OpenAsync(target) : await SqliteMetricStore.OpenAsync(target);
    for (var d = 1; d <= int.Parse(daysText); d++)
    {
        var now = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(startText)).AddDays(d + 1);
        await retained.EnforceRetentionAsync(new RetentionPolicy(TimeSpan.FromDays(1), TimeSpan.FromDays(400), TimeSpan.FromDays(400)), now);
        Console.WriteLine($"retained {d}");
        Console.Out.Flush();
    }

    return 0;
}

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

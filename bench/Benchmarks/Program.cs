using X0tta6bl4.Ops.Benchmarks;

return args.FirstOrDefault() switch
{
    "collector" => CollectorBenchmark.Run(),
    "remote-write-http" => await RemoteWriteHttpBenchmark.RunAsync(args[1], int.Parse(args[2]), int.Parse(args[3])),
    "remote-write" => await RemoteWriteBenchmark.RunAsync(args[1], args[2], args[3], int.Parse(args[4]), int.Parse(args[5])),
    "kestrel" => await TrivialKestrel.RunAsync(args.ElementAtOrDefault(1)),
    "store-load" => await StoreBenchmark.LoadAsync(args[1], args[2], args[3], args[4]),
    "store-query" => await StoreBenchmark.QueryAsync(args[1], args[2], long.Parse(args[3]), int.Parse(args[4])),
    "store-scale" => await ScaleBenchmark.RunAsync(args[1], args[2].Split(',').Select(int.Parse).ToList(), int.Parse(args[3]), int.Parse(args[4])),
    "query-load" => await QueryLoadBenchmark.RunAsync(args[1], args[2], long.Parse(args[3]), int.Parse(args[4]), int.Parse(args[5])),
    "report-data" => await ReportBenchmark.DataAsync(args[1]),
    "report" => await ReportBenchmark.RunAsync(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture)),
    "overview" => await OverviewBenchmark.RunAsync(args[1], int.Parse(args[2])),
    "alerts" => await AlertsBenchmark.RunAsync(int.Parse(args[1]), int.Parse(args[2]), args[3], args[4], args[5], int.Parse(args[6]), int.Parse(args[7])),
    "dashboard" => await DashboardBenchmark.RunAsync(args[1], int.Parse(args[2]), TimeSpan.FromSeconds(int.Parse(args[3]))),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: X0tta6bl4.Ops.Benchmarks collector | remote-write PG_PUSH PG_SCRAPE SPOOL_DIR TARGETS ROUNDS | remote-write-http DASHBOARD_URL TARGETS ROUNDS | kestrel PORT | dashboard URL PAGES SECONDS | store-load realistic|random POSTGRES SQLITE_PATH OPENMETRICS_PATH | store-query OURS_URL PROMETHEUS_URL END_MS ROUNDS | store-scale POSTGRES SIZES DAYS ROUNDS | query-load OURS_URL PROMETHEUS_URL END_MS SECONDS CLIENTS | report-data SQLITE_PATH | report URL ROUNDS | overview SQLITE_PATH ROUNDS | alerts WEBHOOK_PORT REDIS_PORT PROMETHEUS_URL ALERTMANAGER_URL STORE_PATH DASHBOARD_PID ROUNDS");
    return 2;
}

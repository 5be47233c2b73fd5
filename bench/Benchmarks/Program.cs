using X0tta6bl4.Ops.Benchmarks;

return args.FirstOrDefault() switch
{
    "collector" => CollectorBenchmark.Run(),
    "kestrel" => await TrivialKestrel.RunAsync(args.ElementAtOrDefault(1)),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: X0tta6bl4.Ops.Benchmarks collector | kestrel PORT");
    return 2;
}

using X0tta6bl4.Ops.Benchmarks;

return args.FirstOrDefault() switch
{
    "collector" => CollectorBenchmark.Run(),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: X0tta6bl4.Ops.Benchmarks collector");
    return 2;
}

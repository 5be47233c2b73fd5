using X0tta6bl4.Ops.Load.Cli;

namespace X0tta6bl4.Ops.Load;

/// <summary>
/// The load-test CLI. A named, internal entry point: the dashboard references this assembly as a library.
/// Exit codes (k6's where k6 has one): 0 every threshold passed, 99 a threshold failed, 2 a bad plan or
/// arguments, 1 the run failed.
/// </summary>
internal static class Program
{
    private static Task<int> Main(string[] args) => LoadCli.RunAsync(args, Console.Out, Console.Error);
}

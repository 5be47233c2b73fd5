using System.Runtime.InteropServices;
using X0tta6bl4.Ops.Load.Engine;
using X0tta6bl4.Ops.Load.Plans;
using X0tta6bl4.Ops.Load.Reports;

namespace X0tta6bl4.Ops.Load.Cli;

/// <summary>The commands: run a plan (summary on stdout, progress on stderr, exports on request) or print the default plan.</summary>
internal static class LoadCli
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var arguments = CliArguments.Parse(args);
        if (arguments.Problems.Count > 0)
        {
            foreach (var problem in arguments.Problems)
            {
                await error.WriteLineAsync("load: " + problem);
            }

            await error.WriteLineAsync(CliArguments.Usage);
            return ExitCodes.BadPlan;
        }

        if (arguments.Command == "default-plan")
        {
            await output.WriteLineAsync(PlanJson.Write(DefaultPlans.Baseline(arguments.BaseUrl ?? DefaultPlans.DefaultBaseUrl)));
            return ExitCodes.Passed;
        }

        string text;
        try
        {
            text = await File.ReadAllTextAsync(arguments.PlanPath!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"load: cannot read the plan {arguments.PlanPath}: {e.Message}");
            return ExitCodes.BadPlan;
        }

        var (read, unreadable) = PlanJson.Read(text);
        if (read is not { } plan)
        {
            await error.WriteLineAsync($"load: cannot read the plan {arguments.PlanPath}: {unreadable}");
            return ExitCodes.BadPlan;
        }

        if (arguments.BaseUrl is not null)
        {
            plan = plan with { BaseUrl = arguments.BaseUrl };
        }

        var allowed = PlanValidator.LoopbackHosts.Concat(arguments.AllowHosts).ToList();
        if (PlanValidator.Validate(plan, allowed) is { Count: > 0 } problems)
        {
            await error.WriteLineAsync($"load: the plan {arguments.PlanPath} was refused ({problems.Count} problems); nothing was sent:");
            foreach (var problem in problems)
            {
                await error.WriteLineAsync("  " + problem);
            }

            return ExitCodes.BadPlan;
        }

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        var progress = new SyncProgress(p =>
        {
            if (p.Second.Second % 5 == 4)
            {
                error.WriteLine(TextSummary.ProgressLine(p));
            }
        });
        var run = await new LoadRunner(new LoadRunnerOptions { AllowedHosts = allowed }).RunAsync(plan, progress, stop.Token);
        await output.WriteAsync(TextSummary.Render(run));
        await WriteAsync(arguments.OutPath, () => JsonReport.Render(run));
        await WriteAsync(arguments.MarkdownPath, () => MarkdownReport.Render(run));
        await WriteAsync(arguments.HtmlPath, () => HtmlReport.Render(run));
        return run.Status == RunStatus.Failed ? ExitCodes.RunFailed
            : run.ThresholdsPassed ? ExitCodes.Passed
            : ExitCodes.ThresholdsFailed;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true; // end the run as "stopped" and still print and write what it measured
            stop.Cancel();
        }
    }

    private static async Task WriteAsync(string? path, Func<string> render)
    {
        if (path is not null)
        {
            await File.WriteAllTextAsync(path, render());
        }
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SyncProgress(Action<LoadProgress> report) : IProgress<LoadProgress>
    {
        public void Report(LoadProgress value) => report(value);
    }
}

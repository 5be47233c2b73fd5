using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>Runs a validated plan against its target and returns everything it measured.</summary>
public sealed class LoadRunner(LoadRunnerOptions? options = null, TimeProvider? time = null)
{
    private readonly LoadRunnerOptions _options = options ?? new LoadRunnerOptions();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <exception cref="PlanRejectedException">The plan is invalid or aims outside the allow-list; nothing was sent.</exception>
    public Task<LoadRun> RunAsync(LoadPlan plan, IProgress<LoadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        _ = (_options, _time, plan, progress, cancellationToken);
        throw new NotImplementedException("The engine lands in the next commits; the types are stable.");
    }
}

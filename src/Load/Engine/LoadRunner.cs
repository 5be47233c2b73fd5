using X0tta6bl4.Ops.Load.Plans;

namespace X0tta6bl4.Ops.Load.Engine;

/// <summary>
/// Runs a plan against its target and returns everything it measured. The plan is validated first (and its host
/// checked against <see cref="LoadRunnerOptions.AllowedHosts"/>); the set-up runs before the clock starts; then the
/// scenarios run one after the other while a ticker closes a snapshot every second, reports progress and watches
/// abort-on-fail thresholds. Stopping (the token) ends the run as "stopped" with all measured so far.
/// </summary>
public sealed class LoadRunner
{
    private readonly LoadRunnerOptions _options;
    private readonly TimeProvider _time;

    /// <param name="time">The schedule's clock; the system clock (default) paces with a high-resolution loop.</param>
    public LoadRunner(LoadRunnerOptions? options = null, TimeProvider? time = null)
    {
        _options = options ?? new LoadRunnerOptions();
        if (_options.Validate() is { Count: > 0 } problems)
        {
            throw new ArgumentException("Invalid LoadRunnerOptions: " + string.Join(" ", problems), nameof(options));
        }

        _time = time ?? TimeProvider.System;
    }

    /// <exception cref="PlanRejectedException">The plan is invalid or aims outside the allow-list; nothing was sent.</exception>
    public async Task<LoadRun> RunAsync(LoadPlan plan, IProgress<LoadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (PlanValidator.Validate(plan, _options.AllowedHosts) is { Count: > 0 } problems)
        {
            throw new PlanRejectedException(problems);
        }

        var baseUri = new Uri(plan.BaseUrl.EndsWith('/') ? plan.BaseUrl : plan.BaseUrl + "/");
        using var client = HttpClientFor(plan);
        var setupStarted = _time.GetUtcNow();
        SetupContext? setup = null;
        try
        {
            if (plan.Setup is not null)
            {
                setup = await SetupContext.RunAsync(client, baseUri, plan.Setup, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new LoadRun { Plan = plan, StartedAt = setupStarted, EndedAt = _time.GetUtcNow(), Status = RunStatus.Stopped, StatusReason = "stopped during the set-up" };
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Unreachable, refused, timed out, an unexpected answer or body: the run cannot start, and says why.
            return new LoadRun { Plan = plan, StartedAt = setupStarted, EndedAt = _time.GetUtcNow(), Status = RunStatus.Failed, StatusReason = "set-up failed: " + e.Message };
        }

        var prepared = plan.Requests.Select(r => new PreparedRequest(r, baseUri, setup)).ToList();
        return await new RunSession(plan, _options, _time, client, prepared, setup?.RequestsSent ?? 0).RunAsync(progress, cancellationToken);
    }

    /// <summary>One client for the whole run, with connections enough for every request the plan may have in flight.</summary>
    private static HttpClient HttpClientFor(LoadPlan plan)
    {
        var inFlight = plan.Scenarios.Max(s => s.Executor == Executors.RampingVus
            ? (int)Math.Ceiling(Math.Max(s.StartVus, s.Stages?.Max(stage => stage.Target) ?? 0))
            : s.MaxInFlight);
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = plan.Connections ?? Math.Max(1, inFlight),
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            AllowAutoRedirect = false, // a 3xx is counted as a 3xx, not followed
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            ConnectTimeout = TimeSpan.FromSeconds(Math.Min(5, plan.RequestTimeoutSeconds)),
            PlaintextStreamFilter = (context, _) => ValueTask.FromResult<Stream>(new WireStampStream(context.PlaintextStream)),
        };
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = TimeSpan.FromSeconds(plan.RequestTimeoutSeconds) };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("x0tta6bl4-load/1");
        return client;
    }
}

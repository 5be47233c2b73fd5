using Microsoft.AspNetCore.Components;
using X0tta6bl4.Ops.Dashboard.Model;

namespace X0tta6bl4.Ops.Dashboard.Components.Shared;

/// <summary>
/// What every live page shares: the time range, refresh interval and week-over-week overlay read from
/// the URL (so a link shows the same view), a throttled refresh timer, and load state for the toolbar.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    public static readonly IReadOnlyList<(string Key, string Label, TimeSpan? Every)> RefreshChoices =
    [
        ("off", "Off", null),
        ("5s", "5 s", TimeSpan.FromSeconds(5)),
        ("15s", "15 s", TimeSpan.FromSeconds(15)),
        ("30s", "30 s", TimeSpan.FromSeconds(30)),
        ("1m", "1 min", TimeSpan.FromMinutes(1)),
    ];

    public const string DefaultRefresh = "15s";

    private ITimer? _timer;
    private TimeSpan? _timerEvery;
    private int _loading;

    [Inject] protected NavigationManager Navigation { get; set; } = default!;

    [Inject] protected TimeProvider Time { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "range")] public string? RangeKey { get; set; }

    [SupplyParameterFromQuery(Name = "from")] public string? From { get; set; }

    [SupplyParameterFromQuery(Name = "to")] public string? To { get; set; }

    [SupplyParameterFromQuery(Name = "refresh")] public string? Refresh { get; set; }

    [SupplyParameterFromQuery(Name = "compare")] public bool? Compare { get; set; }

    protected TimeRange Range { get; private set; } = TimeRange.Preset(TimeRange.DefaultKey, DateTimeOffset.UnixEpoch.AddDays(1));

    /// <summary>Why the URL's range was not used, if it was not.</summary>
    protected string? RangeProblem { get; private set; }

    protected string? LoadError { get; private set; }

    protected bool IsLoading => Volatile.Read(ref _loading) == 1;

    protected DateTimeOffset? LoadedAt { get; private set; }

    protected string RefreshKey => RefreshChoices.Any(c => c.Key == Refresh) ? Refresh! : DefaultRefresh;

    protected bool WeekOverWeek => Compare == true;

    /// <summary>Reads the store for the page; exceptions are shown, not thrown.</summary>
    protected abstract Task LoadAsync(TimeRange range, CancellationToken cancellationToken);

    protected override async Task OnParametersSetAsync()
    {
        Range = TimeRange.Parse(RangeKey, From, To, Time.GetUtcNow(), out var problem);
        RangeProblem = problem;
        await ReloadAsync();
        ScheduleRefresh();
    }

    protected async Task ReloadAsync()
    {
        // A slow store must not pile up refreshes.
        if (Interlocked.Exchange(ref _loading, 1) == 1)
        {
            return;
        }

        try
        {
            if (!Range.IsCustom)
            {
                Range = TimeRange.Preset(Range.Key, Time.GetUtcNow());
            }

            await LoadAsync(Range, CancellationToken.None);
            LoadError = null;
            LoadedAt = Time.GetUtcNow();
        }
        catch (Exception e)
        {
            LoadError = e.Message;
        }
        finally
        {
            Interlocked.Exchange(ref _loading, 0);
        }
    }

    private void ScheduleRefresh()
    {
        var every = RefreshChoices.First(c => c.Key == RefreshKey).Every;
        if (every == _timerEvery && (_timer is not null || every is null))
        {
            return;
        }

        _timer?.Dispose();
        _timer = null;
        _timerEvery = every;
        if (every is { } e)
        {
            _timer = Time.CreateTimer(_ => _ = InvokeAsync(async () =>
            {
                await ReloadAsync();
                StateHasChanged();
            }), null, e, e);
        }
    }

    public virtual void Dispose()
    {
        _timer?.Dispose();
        GC.SuppressFinalize(this);
    }
}

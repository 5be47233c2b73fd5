using Microsoft.AspNetCore.Components;

namespace X0tta6bl4.Ops.Dashboard.Components.Shared;

/// <summary>
/// A page that reloads itself every so often while something it shows is in progress (a load run): the
/// page says how often through <see cref="PollEvery"/>, null for not at all; reloads never pile up.
/// </summary>
public abstract class PollingPage : ComponentBase, IDisposable
{
    private ITimer? _timer;
    private int _loading;

    [Inject] protected TimeProvider Time { get; set; } = default!;

    protected string? LoadError { get; private set; }

    /// <summary>Reads what the page shows; exceptions are shown, not thrown.</summary>
    protected abstract Task LoadAsync(CancellationToken cancellationToken);

    /// <summary>How often to reload now (after each load), or null to stop.</summary>
    protected abstract TimeSpan? PollEvery { get; }

    protected override async Task OnParametersSetAsync() => await ReloadAsync();

    protected async Task ReloadAsync()
    {
        if (Interlocked.Exchange(ref _loading, 1) == 1)
        {
            return;
        }

        try
        {
            await LoadAsync(CancellationToken.None);
            LoadError = null;
        }
        catch (Exception e)
        {
            LoadError = e.Message;
        }
        finally
        {
            Interlocked.Exchange(ref _loading, 0);
        }

        _timer?.Dispose();
        _timer = PollEvery is { } every
            ? Time.CreateTimer(_ => _ = InvokeAsync(async () => { await ReloadAsync(); StateHasChanged(); }), null, every, Timeout.InfiniteTimeSpan)
            : null;
    }

    public virtual void Dispose()
    {
        _timer?.Dispose();
        GC.SuppressFinalize(this);
    }
}

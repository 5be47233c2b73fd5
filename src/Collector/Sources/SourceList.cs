namespace X0tta6bl4.Ops.Collector.Sources;

/// <summary>
/// The configured sources, owned: the container disposes what its factory made, and this passes that on
/// to each source that holds a connection (Redis's multiplexer). A plain list would leave them open.
/// Disposing twice is harmless (the list is registered as two service types).
/// </summary>
public sealed class SourceList : List<ISource>, IAsyncDisposable, IDisposable
{
    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            foreach (var source in this)
            {
                if (source is IAsyncDisposable async)
                {
                    await async.DisposeAsync();
                }
                else if (source is IDisposable sync)
                {
                    sync.Dispose();
                }
            }
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            foreach (var source in this.OfType<IDisposable>())
            {
                source.Dispose();
            }
        }
    }
}

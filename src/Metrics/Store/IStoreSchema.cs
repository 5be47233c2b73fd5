namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>
/// A store whose tables are created or upgraded once, at start, by <see cref="StoreStartup"/>: constructing
/// a store does no I/O, so nothing ever waits synchronously on the database (a synchronous wait on Npgsql
/// inside a page's render deadlocked the dashboard).
/// </summary>
public interface IStoreSchema
{
    /// <summary>What this is, for the error when it cannot be opened ("the alert store").</summary>
    string Description { get; }

    Task MigrateAsync(CancellationToken cancellationToken);
}

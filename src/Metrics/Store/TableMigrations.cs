namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>
/// One numbered change to a store's tables. <see cref="Sql"/> gets whether the database is PostgreSQL, for the
/// few statements the providers spell differently (an identity column).
/// </summary>
public sealed record TableMigration(int Version, string Description, Func<bool, string> Sql);

/// <summary>
/// Numbered migrations for the tables beside the samples (alerts, settings, load runs …), one version per store
/// in one table, <c>table_schema_version</c>: each store lists its changes in order and the ones a database lacks
/// are applied at start, in one transaction with their version rows. The metric tables keep their own version
/// tables (<c>schema_version</c>, <c>metric_schema_version</c>), which predate these.
/// </summary>
/// <remarks>
/// Version 1 of every store is its tables as they were before versions existed, written with <c>IF NOT EXISTS</c>,
/// so a database made by an older build takes version 1 as a no-op and later versions on top: a column added to a
/// table reaches existing databases (before this, a new column meant a new table).
/// </remarks>
public static class TableMigrations
{
    // One lock for every store's migrations: several dashboards and collectors starting at once against one
    // PostgreSQL would otherwise race on CREATE TABLE IF NOT EXISTS (which is not safe concurrently there).
    private const long PostgresLockId = 74065; // 74061 Api schema, 74062 metric schema, 74063 day partitions, 74064 series ids

    public static async Task ApplyAsync(SqlDatabase database, string store, IReadOnlyList<TableMigration> migrations, CancellationToken ct)
    {
        CheckOrder(store, migrations);
        await using var connection = await database.OpenAsync(ct);
        // SQLite: BeginTransaction is BEGIN IMMEDIATE, so a second process waits for the first's migrations.
        await using var transaction = await connection.BeginTransactionAsync(ct);

        async Task<object?> RunAsync(string sql, params (string, object)[] parameters)
        {
            await using var command = SqlDatabase.Command(connection, sql, parameters);
            command.Transaction = transaction;
            return await command.ExecuteScalarAsync(ct);
        }

        if (database.IsPostgres)
        {
            await RunAsync($"SELECT pg_advisory_xact_lock({PostgresLockId})");
        }

        await RunAsync("CREATE TABLE IF NOT EXISTS table_schema_version (store TEXT NOT NULL, version INTEGER NOT NULL, description TEXT NOT NULL, PRIMARY KEY (store, version))");
        var current = Convert.ToInt32(await RunAsync("SELECT coalesce(max(version), 0) FROM table_schema_version WHERE store = @store", ("store", store)));
        var newest = migrations.Count == 0 ? 0 : migrations[^1].Version;
        if (current > newest)
        {
            throw new InvalidOperationException(
                $"The {store} tables have schema version {current}, newer than this build understands ({newest}): run a newer build against this database.");
        }

        foreach (var migration in migrations.Where(m => m.Version > current))
        {
            await RunAsync(migration.Sql(database.IsPostgres));
            await RunAsync("INSERT INTO table_schema_version (store, version, description) VALUES (@store, @version, @description)",
                ("store", store), ("version", migration.Version), ("description", migration.Description));
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>The schema version a database's tables of <paramref name="store"/> are at (0: none yet).</summary>
    public static async Task<int> VersionAsync(SqlDatabase database, string store, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection, "SELECT coalesce(max(version), 0) FROM table_schema_version WHERE store = @store", ("store", store));
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct));
    }

    /// <summary>The identity column of a table, as each provider writes it.</summary>
    public static string IdColumn(bool postgres) => postgres ? "id bigserial PRIMARY KEY" : "id INTEGER PRIMARY KEY AUTOINCREMENT";

    private static void CheckOrder(string store, IReadOnlyList<TableMigration> migrations)
    {
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"The {store} migrations must be numbered 1, 2, 3 … in order; number {i + 1} is {migrations[i].Version}.");
            }
        }
    }
}

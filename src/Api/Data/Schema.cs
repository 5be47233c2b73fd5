using Npgsql;

namespace X0tta6bl4.Ops.Api.Data;

/// <summary>Versioned schema, applied in order at start; each step runs once, in its own transaction.</summary>
public static class Schema
{
    private static readonly string[] Steps =
    [
        """
        CREATE TABLE meshes (
            id         uuid PRIMARY KEY,
            name       text NOT NULL UNIQUE,
            region     text,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE nodes (
            id                uuid PRIMARY KEY,
            mesh_id           uuid NOT NULL REFERENCES meshes(id) ON DELETE CASCADE,
            name              text NOT NULL,
            address           text NOT NULL,
            status            text NOT NULL CHECK (status IN ('healthy', 'degraded', 'down')),
            latency_ms        double precision,
            registered_at     timestamptz NOT NULL DEFAULT now(),
            last_heartbeat_at timestamptz,
            heal_count        integer NOT NULL DEFAULT 0,
            UNIQUE (mesh_id, name)
        );
        CREATE INDEX nodes_mesh ON nodes (mesh_id);
        CREATE TABLE links (
            mesh_id      uuid NOT NULL REFERENCES meshes(id) ON DELETE CASCADE,
            from_node_id uuid NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
            to_node_id   uuid NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
            latency_ms   double precision,
            PRIMARY KEY (from_node_id, to_node_id)
        );
        CREATE INDEX links_mesh ON links (mesh_id);
        CREATE TABLE heal_requests (
            id           uuid PRIMARY KEY,
            node_id      uuid NOT NULL REFERENCES nodes(id) ON DELETE CASCADE,
            reason       text NOT NULL,
            state        text NOT NULL,
            requested_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX heal_requests_node ON heal_requests (node_id, requested_at DESC);
        """,
    ];

    public static int LatestVersion => Steps.Length;

    public static async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using (var lockCommand = new NpgsqlCommand(
            // An advisory lock keeps two Api instances starting together from migrating at once.
            "SELECT pg_advisory_lock(74061); CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL);", connection))
        {
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using var read = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version", connection);
            var current = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
            for (var version = current + 1; version <= Steps.Length; version++)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var step = new NpgsqlCommand(Steps[version - 1], connection, transaction))
                {
                    await step.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand("INSERT INTO schema_version (version) VALUES ($1)", connection, transaction))
                {
                    record.Parameters.AddWithValue(version);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(74061)", connection);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }
}

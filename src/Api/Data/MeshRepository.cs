using Npgsql;
using NpgsqlTypes;
using X0tta6bl4.Ops.Api.Domain;
using static X0tta6bl4.Ops.Api.Telemetry.ApiMetrics;

namespace X0tta6bl4.Ops.Api.Data;

/// <summary>All SQL for meshes, nodes, links and heal requests.</summary>
public sealed class MeshRepository(Database database, TimeProvider time)
{
    private const string NodeColumns = "n.id, n.mesh_id, n.name, n.address, n.status, n.latency_ms, n.registered_at, n.last_heartbeat_at, n.heal_count";

    public Task<IReadOnlyList<Mesh>> ListMeshesAsync(CancellationToken ct) =>
        database.RunAsync<IReadOnlyList<Mesh>>(QueryClass.Select, async c =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT m.id, m.name, m.region, m.created_at, (SELECT count(*) FROM nodes n WHERE n.mesh_id = m.id)::int FROM meshes m ORDER BY m.name LIMIT 1000", c);
            return await ReadAllAsync(command, ReadMesh, ct);
        }, ct);

    public Task<Mesh?> GetMeshAsync(Guid id, CancellationToken ct) =>
        database.RunAsync(QueryClass.Select, async c =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT m.id, m.name, m.region, m.created_at, (SELECT count(*) FROM nodes n WHERE n.mesh_id = m.id)::int FROM meshes m WHERE m.id = $1", c);
            command.Parameters.AddWithValue(id);
            return (await ReadAllAsync(command, ReadMesh, ct)).FirstOrDefault();
        }, ct);

    /// <returns>null when the name is taken.</returns>
    public Task<Mesh?> CreateMeshAsync(string name, string? region, CancellationToken ct) =>
        database.RunAsync(QueryClass.Select, async c =>
        {
            await using var command = new NpgsqlCommand(
                "INSERT INTO meshes (id, name, region, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING id, name, region, created_at, 0", c);
            command.Parameters.AddWithValue(Guid.NewGuid());
            command.Parameters.AddWithValue(name);
            command.Parameters.AddWithValue(NpgsqlDbType.Text, (object?)region ?? DBNull.Value);
            command.Parameters.AddWithValue(time.GetUtcNow());
            return (await ReadAllAsync(command, ReadMesh, ct)).FirstOrDefault();
        }, ct);

    public Task<IReadOnlyList<MeshNode>> ListNodesAsync(Guid meshId, CancellationToken ct) =>
        database.RunAsync<IReadOnlyList<MeshNode>>(QueryClass.Select, async c =>
        {
            await using var command = new NpgsqlCommand($"SELECT {NodeColumns} FROM nodes n WHERE n.mesh_id = $1 ORDER BY n.name LIMIT 5000", c);
            command.Parameters.AddWithValue(meshId);
            return await ReadAllAsync(command, ReadNode, ct);
        }, ct);

    public Task<MeshNode?> GetNodeAsync(Guid id, CancellationToken ct) =>
        database.RunAsync(QueryClass.Select, async c =>
        {
            await using var command = new NpgsqlCommand($"SELECT {NodeColumns} FROM nodes n WHERE n.id = $1", c);
            command.Parameters.AddWithValue(id);
            return (await ReadAllAsync(command, ReadNode, ct)).FirstOrDefault();
        }, ct);

    /// <returns>The node, or null when the mesh does not exist; throws <see cref="ConflictException"/> on a duplicate name.</returns>
    public Task<MeshNode?> RegisterNodeAsync(Guid meshId, string name, string address, CancellationToken ct) =>
        database.RunAsync(QueryClass.Select, async c =>
        {
            await using var command = new NpgsqlCommand($"""
                INSERT INTO nodes AS n (id, mesh_id, name, address, status, registered_at)
                SELECT $1, m.id, $3, $4, 'healthy', $5 FROM meshes m WHERE m.id = $2
                RETURNING {NodeColumns}
                """, c);
            command.Parameters.AddWithValue(Guid.NewGuid());
            command.Parameters.AddWithValue(meshId);
            command.Parameters.AddWithValue(name);
            command.Parameters.AddWithValue(address);
            command.Parameters.AddWithValue(time.GetUtcNow());
            try
            {
                return (await ReadAllAsync(command, ReadNode, ct)).FirstOrDefault();
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new ConflictException($"A node named '{name}' is already registered in this mesh.");
            }
        }, ct);

    /// <summary>Registers many nodes at once with binary COPY (the seed's bulk insert of 100 rows).</summary>
    /// <returns>The number of rows, or null when the mesh does not exist.</returns>
    public Task<int?> BulkRegisterNodesAsync(Guid meshId, IReadOnlyList<RegisterNodeRequest> nodes, CancellationToken ct) =>
        database.RunAsync<int?>(QueryClass.BulkInsert, async c =>
        {
            await using var transaction = await c.BeginTransactionAsync(ct);
            await using (var exists = new NpgsqlCommand("SELECT 1 FROM meshes WHERE id = $1 FOR SHARE", c, transaction))
            {
                exists.Parameters.AddWithValue(meshId);
                if (await exists.ExecuteScalarAsync(ct) is null)
                {
                    return null;
                }
            }

            var now = time.GetUtcNow();
            try
            {
                await using (var writer = await c.BeginBinaryImportAsync(
                    "COPY nodes (id, mesh_id, name, address, status, registered_at) FROM STDIN (FORMAT BINARY)", ct))
                {
                    foreach (var node in nodes)
                    {
                        await writer.StartRowAsync(ct);
                        await writer.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid, ct);
                        await writer.WriteAsync(meshId, NpgsqlDbType.Uuid, ct);
                        await writer.WriteAsync(node.Name!, NpgsqlDbType.Text, ct);
                        await writer.WriteAsync(node.Address!, NpgsqlDbType.Text, ct);
                        await writer.WriteAsync(NodeStatus.Healthy, NpgsqlDbType.Text, ct);
                        await writer.WriteAsync(now, NpgsqlDbType.TimestampTz, ct);
                    }

                    await writer.CompleteAsync(ct);
                }

                await transaction.CommitAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                throw new ConflictException("A node name in the batch is already registered in this mesh (or repeated in the batch); nothing was registered.");
            }

            return nodes.Count;
        }, ct);

    public Task<MeshNode?> RecordHeartbeatAsync(Guid nodeId, string status, double? latencyMs, CancellationToken ct) =>
        database.RunAsync(QueryClass.Select, async c =>
        {
            await using var command = new NpgsqlCommand($"""
                UPDATE nodes n SET status = $2, latency_ms = $3, last_heartbeat_at = $4 WHERE n.id = $1
                RETURNING {NodeColumns}
                """, c);
            command.Parameters.AddWithValue(nodeId);
            command.Parameters.AddWithValue(status);
            command.Parameters.AddWithValue(NpgsqlDbType.Double, (object?)latencyMs ?? DBNull.Value);
            command.Parameters.AddWithValue(time.GetUtcNow());
            return (await ReadAllAsync(command, ReadNode, ct)).FirstOrDefault();
        }, ct);

    /// <summary>The seed's join query: a mesh with its nodes and links.</summary>
    public Task<Topology?> GetTopologyAsync(Guid meshId, CancellationToken ct) =>
        database.RunAsync(QueryClass.Join, async c =>
        {
            string? meshName = null;
            var nodes = new List<MeshNode>();
            await using (var command = new NpgsqlCommand($"""
                SELECT m.name, {NodeColumns} FROM meshes m LEFT JOIN nodes n ON n.mesh_id = m.id WHERE m.id = $1 ORDER BY n.name
                """, c))
            {
                command.Parameters.AddWithValue(meshId);
                await using var reader = await command.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    meshName = reader.GetString(0);
                    if (!reader.IsDBNull(1))
                    {
                        nodes.Add(ReadNode(reader, 1));
                    }
                }
            }

            if (meshName is null)
            {
                return null;
            }

            await using var links = new NpgsqlCommand("SELECT l.from_node_id, l.to_node_id, l.latency_ms FROM links l WHERE l.mesh_id = $1", c);
            links.Parameters.AddWithValue(meshId);
            var linkList = await ReadAllAsync(links, r => new MeshLink(r.GetGuid(0), r.GetGuid(1), r.IsDBNull(2) ? null : r.GetDouble(2)), ct);
            return new Topology(meshId, meshName, nodes, linkList);
        }, ct);

    public Task<LinkResult> CreateLinkAsync(Guid meshId, Guid from, Guid to, double? latencyMs, CancellationToken ct) =>
        database.RunAsync(QueryClass.Select, async c =>
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO links (mesh_id, from_node_id, to_node_id, latency_ms)
                SELECT $1, a.id, b.id, $4 FROM nodes a JOIN nodes b ON b.mesh_id = a.mesh_id
                WHERE a.id = $2 AND b.id = $3 AND a.mesh_id = $1
                ON CONFLICT (from_node_id, to_node_id) DO UPDATE SET latency_ms = excluded.latency_ms
                """, c);
            command.Parameters.AddWithValue(meshId);
            command.Parameters.AddWithValue(from);
            command.Parameters.AddWithValue(to);
            command.Parameters.AddWithValue(NpgsqlDbType.Double, (object?)latencyMs ?? DBNull.Value);
            return await command.ExecuteNonQueryAsync(ct) == 1 ? LinkResult.Created : LinkResult.NodesNotInMesh;
        }, ct);

    /// <summary>The seed's transaction: record the heal request and count it on the node, atomically.</summary>
    public Task<HealRequest?> RequestHealAsync(Guid nodeId, string reason, CancellationToken ct) =>
        database.RunAsync(QueryClass.Transaction, async c =>
        {
            await using var transaction = await c.BeginTransactionAsync(ct);
            await using (var update = new NpgsqlCommand("UPDATE nodes SET heal_count = heal_count + 1 WHERE id = $1", c, transaction))
            {
                update.Parameters.AddWithValue(nodeId);
                if (await update.ExecuteNonQueryAsync(ct) == 0)
                {
                    return null;
                }
            }

            var request = new HealRequest(Guid.NewGuid(), nodeId, reason, "requested", time.GetUtcNow());
            await using (var insert = new NpgsqlCommand(
                "INSERT INTO heal_requests (id, node_id, reason, state, requested_at) VALUES ($1, $2, $3, $4, $5)", c, transaction))
            {
                insert.Parameters.AddWithValue(request.Id);
                insert.Parameters.AddWithValue(nodeId);
                insert.Parameters.AddWithValue(reason);
                insert.Parameters.AddWithValue(request.State);
                insert.Parameters.AddWithValue(request.RequestedAt);
                await insert.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            return request;
        }, ct);

    public Task<IReadOnlyList<HealRequest>> ListHealRequestsAsync(Guid nodeId, CancellationToken ct) =>
        database.RunAsync<IReadOnlyList<HealRequest>>(QueryClass.Select, async c =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT id, node_id, reason, state, requested_at FROM heal_requests WHERE node_id = $1 ORDER BY requested_at DESC LIMIT 100", c);
            command.Parameters.AddWithValue(nodeId);
            return await ReadAllAsync(command, r => new HealRequest(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4)), ct);
        }, ct);

    private static Mesh ReadMesh(NpgsqlDataReader r) =>
        new(r.GetGuid(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetFieldValue<DateTimeOffset>(3), r.GetInt32(4));

    private static MeshNode ReadNode(NpgsqlDataReader r) => ReadNode(r, 0);

    private static MeshNode ReadNode(NpgsqlDataReader r, int o) => new(
        r.GetGuid(o), r.GetGuid(o + 1), r.GetString(o + 2), r.GetString(o + 3), r.GetString(o + 4),
        r.IsDBNull(o + 5) ? null : r.GetDouble(o + 5), r.GetFieldValue<DateTimeOffset>(o + 6),
        r.IsDBNull(o + 7) ? null : r.GetFieldValue<DateTimeOffset>(o + 7), r.GetInt32(o + 8));

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        var list = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(read(reader));
        }

        return list;
    }
}

public enum LinkResult
{
    Created,
    NodesNotInMesh,
}

/// <summary>The request conflicts with what exists (a duplicate name); answered with 409.</summary>
public sealed class ConflictException(string message) : Exception(message);

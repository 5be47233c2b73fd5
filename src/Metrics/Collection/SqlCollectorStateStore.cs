using System.Data.Common;
using System.Text.Json;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Metrics.Collection;

/// <summary>
/// What the collectors know that no series can hold, in the store's database so that a dashboard with no
/// collector inside shows it: each source's live state, Prometheus's targets, alerts and rules, the
/// collector instances, and the leases by which several collectors share the sources (one poller each).
/// </summary>
public sealed class SqlCollectorStateStore(SqlDatabase database) : IStoreSchema
{
    private const string TargetsKind = "prometheus-targets";
    private const string AlertsKind = "prometheus-alerts";

    public string Description => "the collector state tables";

    public static IReadOnlyList<TableMigration> Migrations { get; } = [new(1, "collector_sources, _snapshots, _instances, _leases, _source_warnings, _buffers", _ => """
        CREATE TABLE IF NOT EXISTS collector_sources (
            name TEXT PRIMARY KEY,
            endpoint TEXT NOT NULL,
            state TEXT NOT NULL,
            last_attempt_ms BIGINT,
            last_success_ms BIGINT,
            last_error TEXT,
            last_duration_ms DOUBLE PRECISION,
            series_written INTEGER NOT NULL,
            interval_ms BIGINT NOT NULL,
            collector TEXT
        );
        CREATE TABLE IF NOT EXISTS collector_snapshots (kind TEXT PRIMARY KEY, read_ms BIGINT NOT NULL, body TEXT NOT NULL, collector TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS collector_instances (name TEXT PRIMARY KEY, started_ms BIGINT NOT NULL, heartbeat_ms BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS collector_leases (lease TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_ms BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS collector_source_warnings (name TEXT PRIMARY KEY, at_ms BIGINT NOT NULL, warnings TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS collector_buffers (
            name TEXT PRIMARY KEY, buffered BIGINT NOT NULL, capacity BIGINT NOT NULL, dropped BIGINT NOT NULL,
            spool_bytes BIGINT, spool_max_bytes BIGINT, at_ms BIGINT NOT NULL
        );
        """)];

    public Task MigrateAsync(CancellationToken cancellationToken) => TableMigrations.ApplyAsync(database, "collector", Migrations, cancellationToken);

    /// <summary>A collector's write buffer, for the Targets page (a table of its own: added without touching the older ones).</summary>
    public Task RecordBufferAsync(string name, CollectorBuffer buffer, CancellationToken ct) =>
        database.ExecuteAsync("""
            INSERT INTO collector_buffers (name, buffered, capacity, dropped, spool_bytes, spool_max_bytes, at_ms)
            VALUES (@name, @buffered, @capacity, @dropped, @spool, @spool_max, @at)
            ON CONFLICT (name) DO UPDATE SET buffered = excluded.buffered, capacity = excluded.capacity, dropped = excluded.dropped,
                spool_bytes = excluded.spool_bytes, spool_max_bytes = excluded.spool_max_bytes, at_ms = excluded.at_ms
            """, ct, ("name", name), ("buffered", buffer.Buffered), ("capacity", buffer.Capacity), ("dropped", buffer.Dropped),
            ("spool", (object?)buffer.SpoolBytes ?? DBNull.Value), ("spool_max", (object?)buffer.SpoolMaxBytes ?? DBNull.Value),
            ("at", buffer.At.ToUnixTimeMilliseconds()));

    /// <summary>Lists a source as not polled yet, unless a collector has written its state already.</summary>
    public Task RegisterSourceAsync(string name, string endpoint, TimeSpan interval, CancellationToken ct) =>
        database.ExecuteAsync("""
            INSERT INTO collector_sources (name, endpoint, state, series_written, interval_ms) VALUES (@name, @endpoint, 'Unknown', 0, @interval)
            ON CONFLICT (name) DO UPDATE SET endpoint = excluded.endpoint, interval_ms = excluded.interval_ms
            """, ct, ("name", name), ("endpoint", endpoint), ("interval", (long)interval.TotalMilliseconds));

    /// <summary>
    /// Records one poll. A failed poll keeps the last success and the last count of series written. A poll with
    /// warnings also replaces the source's row in collector_source_warnings (a table of its own, so the older
    /// table is untouched); the row stays until the next poll with warnings, and counts as current only while
    /// its time is the source's last attempt.
    /// </summary>
    public async Task RecordPollAsync(SourceStatus status, CancellationToken ct)
    {
        await RecordStateAsync(status, ct);
        if (status.Warnings.Count > 0 && status.LastAttempt is { } at)
        {
            await database.ExecuteAsync("""
                INSERT INTO collector_source_warnings (name, at_ms, warnings) VALUES (@name, @at, @warnings)
                ON CONFLICT (name) DO UPDATE SET at_ms = excluded.at_ms, warnings = excluded.warnings
                """, ct, ("name", status.Name), ("at", at.ToUnixTimeMilliseconds()), ("warnings", JsonSerializer.Serialize(status.Warnings)));
        }
    }

    private Task RecordStateAsync(SourceStatus status, CancellationToken ct) =>
        database.ExecuteAsync("""
            INSERT INTO collector_sources (name, endpoint, state, last_attempt_ms, last_success_ms, last_error, last_duration_ms, series_written, interval_ms, collector)
            VALUES (@name, @endpoint, @state, @attempt, @success, @error, @duration, @series, @interval, @collector)
            ON CONFLICT (name) DO UPDATE SET
                endpoint = excluded.endpoint, state = excluded.state, last_attempt_ms = excluded.last_attempt_ms,
                last_success_ms = COALESCE(excluded.last_success_ms, collector_sources.last_success_ms),
                last_error = excluded.last_error, last_duration_ms = excluded.last_duration_ms,
                series_written = CASE WHEN excluded.state = 'Up' THEN excluded.series_written ELSE collector_sources.series_written END,
                interval_ms = excluded.interval_ms, collector = excluded.collector
            """, ct,
            ("name", status.Name), ("endpoint", status.Endpoint), ("state", status.State.ToString()),
            ("attempt", (object?)status.LastAttempt?.ToUnixTimeMilliseconds() ?? DBNull.Value),
            ("success", (object?)status.LastSuccess?.ToUnixTimeMilliseconds() ?? DBNull.Value),
            ("error", (object?)status.LastError ?? DBNull.Value),
            ("duration", (object?)status.LastDuration?.TotalMilliseconds ?? DBNull.Value),
            ("series", status.SeriesWritten), ("interval", (long)status.Interval.TotalMilliseconds),
            ("collector", (object?)status.Collector ?? DBNull.Value));

    /// <summary>Every source any collector has listed, by name, as it was last written (see <see cref="SourceStatus.AsOf"/>).</summary>
    public async Task<IReadOnlyList<SourceStatus>> SourcesAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection, """
            SELECT s.name, s.endpoint, s.state, s.last_attempt_ms, s.last_success_ms, s.last_error, s.last_duration_ms, s.series_written, s.interval_ms, s.collector,
                   w.at_ms, w.warnings
            FROM collector_sources s LEFT JOIN collector_source_warnings w ON w.name = s.name ORDER BY s.name
            """);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var sources = new List<SourceStatus>();
        while (await reader.ReadAsync(ct))
        {
            sources.Add(new SourceStatus(reader.GetString(0), reader.GetString(1), Enum.Parse<SourceState>(reader.GetString(2)),
                Time(reader, 3), Time(reader, 4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : TimeSpan.FromMilliseconds(reader.GetDouble(6)), reader.GetInt32(7))
            {
                Interval = TimeSpan.FromMilliseconds(reader.GetInt64(8)),
                Collector = reader.IsDBNull(9) ? null : reader.GetString(9),
                LastWarningAt = Time(reader, 10),
                Warnings = !reader.IsDBNull(10) && reader.GetInt64(10) == (reader.IsDBNull(3) ? long.MinValue : reader.GetInt64(3))
                    ? JsonSerializer.Deserialize<List<string>>(reader.GetString(11)) ?? []
                    : [],
            });
        }

        // Ordinal order whatever the database's collation.
        return sources.OrderBy(s => s.Name, StringComparer.Ordinal).ToList();
    }

    public Task PublishTargetsAsync(PrometheusTargets targets, string collector, CancellationToken ct) =>
        PublishAsync(TargetsKind, targets.ReadAt, JsonSerializer.Serialize(targets), collector, ct);

    public Task PublishAlertsAsync(PrometheusAlerts alerts, string collector, CancellationToken ct) =>
        PublishAsync(AlertsKind, alerts.ReadAt, JsonSerializer.Serialize(alerts), collector, ct);

    /// <summary>Prometheus's targets at the last successful read, or null before the first.</summary>
    public async Task<PrometheusTargets?> TargetsAsync(CancellationToken ct) =>
        await ReadSnapshotAsync(TargetsKind, ct) is { } body ? JsonSerializer.Deserialize<PrometheusTargets>(body) : null;

    public async Task<PrometheusAlerts?> PrometheusAlertsAsync(CancellationToken ct) =>
        await ReadSnapshotAsync(AlertsKind, ct) is { } body ? JsonSerializer.Deserialize<PrometheusAlerts>(body) : null;

    private Task PublishAsync(string kind, DateTimeOffset readAt, string body, string collector, CancellationToken ct) =>
        database.ExecuteAsync("""
            INSERT INTO collector_snapshots (kind, read_ms, body, collector) VALUES (@kind, @read, @body, @collector)
            ON CONFLICT (kind) DO UPDATE SET read_ms = excluded.read_ms, body = excluded.body, collector = excluded.collector
            """, ct, ("kind", kind), ("read", readAt.ToUnixTimeMilliseconds()), ("body", body), ("collector", collector));

    private async Task<string?> ReadSnapshotAsync(string kind, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection, "SELECT body FROM collector_snapshots WHERE kind = @kind", ("kind", kind));
        return await command.ExecuteScalarAsync(ct) as string;
    }

    /// <summary>
    /// Takes or renews a lease until <paramref name="expires"/>: granted when nobody holds it, when this holder
    /// does, or when the holder let it run out. The database decides, so two collectors never both win.
    /// </summary>
    public async Task<bool> TryLeaseAsync(string lease, string holder, DateTimeOffset now, DateTimeOffset expires, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var command = SqlDatabase.Command(connection, """
            INSERT INTO collector_leases (lease, holder, expires_ms) VALUES (@lease, @holder, @expires)
            ON CONFLICT (lease) DO UPDATE SET holder = excluded.holder, expires_ms = excluded.expires_ms
            WHERE collector_leases.holder = excluded.holder OR collector_leases.expires_ms < @now
            RETURNING holder
            """, ("lease", lease), ("holder", holder), ("expires", expires.ToUnixTimeMilliseconds()), ("now", now.ToUnixTimeMilliseconds()));
        return await command.ExecuteScalarAsync(ct) is string granted && granted == holder;
    }

    /// <summary>Gives up every lease of an instance: at a clean shutdown, so another takes them over at once.</summary>
    public Task ReleaseAllAsync(string holder, CancellationToken ct) =>
        database.ExecuteAsync("DELETE FROM collector_leases WHERE holder = @holder", ct, ("holder", holder));

    public Task HeartbeatAsync(string name, DateTimeOffset startedAt, DateTimeOffset now, CancellationToken ct) =>
        database.ExecuteAsync("""
            INSERT INTO collector_instances (name, started_ms, heartbeat_ms) VALUES (@name, @started, @now)
            ON CONFLICT (name) DO UPDATE SET started_ms = excluded.started_ms, heartbeat_ms = excluded.heartbeat_ms
            """, ct, ("name", name), ("started", startedAt.ToUnixTimeMilliseconds()), ("now", now.ToUnixTimeMilliseconds()));

    /// <summary>The instances heard from since <paramref name="since"/>, each with the leases it holds unexpired at <paramref name="now"/>.</summary>
    public async Task<IReadOnlyList<CollectorInstance>> InstancesAsync(DateTimeOffset since, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        var holds = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var leases = SqlDatabase.Command(connection, "SELECT holder, lease FROM collector_leases WHERE expires_ms >= @now", ("now", now.ToUnixTimeMilliseconds())))
        await using (var reader = await leases.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var holder = reader.GetString(0);
                if (!holds.TryGetValue(holder, out var list))
                {
                    holds[holder] = list = [];
                }

                list.Add(reader.GetString(1));
            }
        }

        var buffers = new Dictionary<string, CollectorBuffer>(StringComparer.Ordinal);
        await using (var read = SqlDatabase.Command(connection, "SELECT name, buffered, capacity, dropped, spool_bytes, spool_max_bytes, at_ms FROM collector_buffers"))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                buffers[reader.GetString(0)] = new CollectorBuffer(reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3),
                    reader.IsDBNull(4) ? null : reader.GetInt64(4), reader.IsDBNull(5) ? null : reader.GetInt64(5), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)));
            }
        }

        await using var command = SqlDatabase.Command(connection,
            "SELECT name, started_ms, heartbeat_ms FROM collector_instances WHERE heartbeat_ms >= @since", ("since", since.ToUnixTimeMilliseconds()));
        await using var rows = await command.ExecuteReaderAsync(ct);
        var instances = new List<CollectorInstance>();
        while (await rows.ReadAsync(ct))
        {
            var name = rows.GetString(0);
            instances.Add(new CollectorInstance(name, DateTimeOffset.FromUnixTimeMilliseconds(rows.GetInt64(1)), DateTimeOffset.FromUnixTimeMilliseconds(rows.GetInt64(2)),
                holds.TryGetValue(name, out var held) ? held.Order(StringComparer.Ordinal).ToList() : [])
            {
                Buffer = buffers.GetValueOrDefault(name),
            });
        }

        return instances.OrderBy(i => i.Name, StringComparer.Ordinal).ToList();
    }

    private static DateTimeOffset? Time(DbDataReader reader, int i) => reader.IsDBNull(i) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(i));
}

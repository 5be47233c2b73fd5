using System.Data.Common;
using X0tta6bl4.Ops.Metrics.Model;

namespace X0tta6bl4.Ops.Metrics.Store;

/// <summary>Finding series in a store's series table (id, name, labels): the same for SQLite and PostgreSQL.</summary>
internal static class SeriesLookup
{
    /// <summary>The series of the selector's name whose labels match it, ordered by label text.</summary>
    public static async Task<List<(long Id, SeriesKey Key)>> FindAsync(
        DbConnection connection, string table, SeriesSelector selector, CancellationToken cancellationToken, DbTransaction? transaction = null)
    {
        await using var command = SqlDatabase.Command(connection, $"SELECT id, labels FROM {table} WHERE name = @name ORDER BY labels", ("name", selector.Name));
        command.Transaction = transaction;
        var found = new List<(long, SeriesKey)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var key = new SeriesKey(selector.Name, SeriesKey.ParseLabels(reader.GetString(1)));
            if (selector.Matches(key))
            {
                found.Add((reader.GetInt64(0), key));
            }
        }

        return found;
    }

    /// <summary>Every metric name in the table, in order.</summary>
    public static async Task<IReadOnlyList<string>> NamesAsync(DbConnection connection, string table, CancellationToken cancellationToken)
    {
        await using var command = SqlDatabase.Command(connection, $"SELECT DISTINCT name FROM {table} ORDER BY name");
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}

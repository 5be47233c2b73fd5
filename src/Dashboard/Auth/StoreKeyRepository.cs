using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using X0tta6bl4.Ops.Metrics.Store;

namespace X0tta6bl4.Ops.Dashboard.Auth;

/// <summary>
/// ASP.NET Core's data-protection key ring in the store's database, so that every dashboard on the store reads
/// the sign-in cookies and antiforgery tokens the others issue (two replicas behind one Service), and users stay
/// signed in across restarts. Keys are kept as the key manager writes them, unencrypted: whoever can read the
/// store's database can forge a cookie, as whoever can read a key folder could.
/// </summary>
/// <remarks>
/// IXmlRepository is synchronous; these are plain synchronous ADO.NET calls, which block a thread but cannot deadlock
/// (no async wait on a captured context). The key manager calls them rarely: at first use, and when its cache
/// expires (about a day) or meets a key it does not know.
/// </remarks>
public sealed class StoreKeyRepository(SqlDatabase database) : IXmlRepository, IStoreSchema
{
    public string Description => "the data-protection key table";

    public static IReadOnlyList<TableMigration> Migrations { get; } =
        [new(1, "data_protection_keys", _ => "CREATE TABLE IF NOT EXISTS data_protection_keys (name TEXT PRIMARY KEY, xml TEXT NOT NULL)")];

    public Task MigrateAsync(CancellationToken cancellationToken) => TableMigrations.ApplyAsync(database, "data_protection_keys", Migrations, cancellationToken);

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = database.Open();
        using var command = SqlDatabase.Command(connection, "SELECT xml FROM data_protection_keys ORDER BY name");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        // Each key has a name of its own ("key-{id}"); a second dashboard storing the same one changes nothing.
        var name = string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName;
        using var connection = database.Open();
        using var command = SqlDatabase.Command(connection, "INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml) ON CONFLICT (name) DO NOTHING",
            ("name", name), ("xml", element.ToString(SaveOptions.DisableFormatting)));
        command.ExecuteNonQuery();
    }
}

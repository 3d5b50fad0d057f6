using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace CxContact.Server.Platform.DataProtection;

/// <summary>
/// Data protection keys in PostgreSQL: every silo reads the same keys, so a session cookie or antiforgery token made by
/// one silo opens on another, and on the same silo after a restart. Redis would lose them with its data.
/// </summary>
public sealed class PostgresKeyRepository(NpgsqlDataSource db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // Synchronous by contract; the key ring is read at start and when it is refreshed (about once a day).
        using var cmd = db.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY created_at, name");
        using var r = cmd.ExecuteReader();
        var keys = new List<XElement>();
        while (r.Read()) keys.Add(XElement.Parse(r.GetString(0)));
        return keys;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var cmd = db.CreateCommand("INSERT INTO data_protection_keys (name, xml) VALUES (@n, @x) ON CONFLICT (name) DO NOTHING");
        cmd.Parameters.AddWithValue("n", friendlyName);
        cmd.Parameters.AddWithValue("x", element.ToString(SaveOptions.DisableFormatting));
        cmd.ExecuteNonQuery();
    }
}

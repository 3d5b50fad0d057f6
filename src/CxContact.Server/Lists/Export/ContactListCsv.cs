using System.Globalization;
using System.Text;
using CxContact.Core.Lists;
using Npgsql;

namespace CxContact.Server.Lists.Export;

/// <summary>
/// A contact list as CSV: normalised fields plus each record's attempt status (attempts, last result, last attempt),
/// which is what a client reads back as the list's results. Streamed row by row from one server-side query in
/// chunks, so a list of any size is never held in memory; formula-like cells are neutralised by <see cref="CsvCell"/>.
/// The download endpoint and the SFTP export both write it.
/// </summary>
public static class ContactListCsv
{
    private static readonly string[] Header =
    [
        "contact_id", "client_id", "first_name", "last_name", "company", "postal_code", "region", "country", "tz",
        .. StandardFields.Emails,
        .. StandardFields.Phones.SelectMany(p => new[] { p, p + "_type", p + "_tz" }),
        "custom", "attempts", "last_result", "last_attempt_at",
    ];

    /// <summary>Writes the list in chunks of about 256 KB; returns the number of records written.</summary>
    public static async Task<long> WriteAsync(NpgsqlDataSource db, Guid listId, Func<string, Task> write, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand($"SELECT {ContactRow.Columns} FROM {ContactListStore.PartitionName(listId)} ORDER BY contact_id", conn) { CommandTimeout = 0 };
        await using var r = await cmd.ExecuteReaderAsync(ct);
        var sb = new StringBuilder();
        CsvCell.Row(sb, Header);
        var cells = new string?[Header.Length];
        long rows = 0;
        while (await r.ReadAsync(ct))
        {
            Fill(ContactRow.Read(r), cells);
            CsvCell.Row(sb, cells);
            rows++;
            if (sb.Length > 256 * 1024) { await write(sb.ToString()); sb.Clear(); }
        }
        await write(sb.ToString());
        return rows;
    }

    private static void Fill(ContactRow c, string?[] cells)
    {
        Array.Clear(cells);
        var i = 0;
        cells[i++] = c.Id.ToString();
        cells[i++] = c.ClientId; cells[i++] = c.FirstName; cells[i++] = c.LastName; cells[i++] = c.Company;
        cells[i++] = c.PostalCode; cells[i++] = c.Region; cells[i++] = c.Country; cells[i++] = c.Tz;
        for (var e = 0; e < StandardFields.MaxEmails; e++) cells[i++] = e < c.Emails.Length ? c.Emails[e] : null;
        foreach (var d in c.Devices)
        {
            var at = i + (d.Slot - 1) * 3;
            cells[at] = d.Number; cells[at + 1] = d.Type; cells[at + 2] = Core.Geography.ZoneList.Join(d.TimeZones);
        }
        i += StandardFields.MaxPhones * 3;
        cells[i++] = c.Custom?.GetRawText();
        cells[i++] = c.Attempts.ToString(CultureInfo.InvariantCulture);
        cells[i++] = c.LastResult;
        cells[i] = c.LastAttemptAt?.ToString("O", CultureInfo.InvariantCulture);
    }
}

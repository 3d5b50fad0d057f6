using System.Globalization;
using System.Text;
using CxContact.Core.Lists;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace CxContact.Server.Lists;

/// <summary>
/// GET /api/v1/contact-lists/{id}/export: the list as CSV, streamed row by row from one server-side query, so
/// a list of any size is never held in memory. Normalised fields plus each record's attempt status.
/// </summary>
public static class ContactListExport
{
    private static readonly string[] Header =
    [
        "contact_id", "client_id", "first_name", "last_name", "company", "postal_code", "region", "country", "tz",
        .. StandardFields.Emails,
        .. StandardFields.Phones.SelectMany(p => new[] { p, p + "_type", p + "_tz" }),
        "custom", "attempts", "last_result", "last_attempt_at",
    ];

    public static void MapContactListExport(this RouteGroupBuilder v1)
    {
        v1.MapGet("/contact-lists/{listId:guid}/export", async Task<Results<EmptyHttpResult, ProblemHttpResult>> (
            Guid listId, HttpContext http, IGrainFactory grains, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var list = await grains.Grain(Caller.From(http.User), listId).GetAsync();
            if (list is null) return ContactListsApi.NoSuchList(listId);
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"contact-list-{listId}.csv\"";

            await using var conn = await db.OpenConnectionAsync(ct);
            await using var cmd = new NpgsqlCommand($"SELECT {ContactRow.Columns} FROM {ContactListStore.PartitionName(listId)} ORDER BY contact_id", conn) { CommandTimeout = 0 };
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var sb = new StringBuilder();
            CsvCell.Row(sb, Header);
            var cells = new string?[Header.Length];
            while (await r.ReadAsync(ct))
            {
                Fill(ContactRow.Read(r), cells);
                CsvCell.Row(sb, cells);
                if (sb.Length > 256 * 1024) { await http.Response.WriteAsync(sb.ToString(), ct); sb.Clear(); }
            }
            await http.Response.WriteAsync(sb.ToString(), ct);
            return TypedResults.Empty;
        }).WithTags("Contact lists").RequireAuthorization(Policies.TenantReader).WithSummary("Export the list as CSV (formula-like cells are neutralised)");
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
            cells[at] = d.Number; cells[at + 1] = d.Type; cells[at + 2] = string.Join(' ', d.TimeZones);
        }
        i += StandardFields.MaxPhones * 3;
        cells[i++] = c.Custom?.GetRawText();
        cells[i++] = c.Attempts.ToString(CultureInfo.InvariantCulture);
        cells[i++] = c.LastResult;
        cells[i] = c.LastAttemptAt?.ToString("O", CultureInfo.InvariantCulture);
    }
}

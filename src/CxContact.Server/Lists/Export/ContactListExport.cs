
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace CxContact.Server.Lists.Export;

/// <summary>GET /api/v1/contact-lists/{id}/export: the list as CSV (<see cref="ContactListCsv"/>), streamed to the caller.</summary>
public static class ContactListExport
{
    public static void MapContactListExport(this RouteGroupBuilder v1)
    {
        v1.MapGet("/contact-lists/{listId:guid}/export", async Task<Results<EmptyHttpResult, ProblemHttpResult>> (
            Guid listId, HttpContext http, IGrainFactory grains, NpgsqlDataSource db, CancellationToken ct) =>
        {
            var list = await grains.Grain(Caller.From(http.User), listId).GetAsync();
            if (list is null) return ContactListsApi.NoSuchList(listId);
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"contact-list-{listId}.csv\"";
            long rows = 0;
            await using (new Platform.Audit.ExportAudit(db, Caller.From(http.User), "contact-list.exported", listId.ToString(), () => rows))
                rows = await ContactListCsv.WriteAsync(db, listId, chunk => http.Response.WriteAsync(chunk, ct), ct);
            return TypedResults.Empty;
        }).WithTags("Contact lists").RequireAuthorization(Policies.ExportPii)
          .WithSummary("Export the list as CSV (formula-like cells are neutralised); written to the audit log with its row count");
    }
}

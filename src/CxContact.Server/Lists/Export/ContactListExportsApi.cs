using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Lists.Export;

/// <summary>/api/v1/contact-lists/{id}/exports: the list's pushes to SFTP (scheduled ones link here from their run).</summary>
public static class ContactListExportsApi
{
    public sealed record ExportView(Guid Id, Guid ListId, string State, Guid SftpConnectionId, string RemotePath, long Rows, long Bytes,
        string? Error, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt)
    {
        public static ExportView From(ContactListExportJob e) => new(e.ExportId, e.ListId, e.State, e.SftpConnectionId, e.RemotePath, e.Rows,
            e.Bytes, e.Error, e.Attempts, e.CreatedAt, e.StartedAt, e.FinishedAt);
    }

    public static void MapContactListExportsApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/contact-lists/{listId:guid}/exports").WithTags("Contact lists");

        g.MapGet("/", async Task<Results<Ok<List<ExportView>>, ProblemHttpResult>> (Guid listId, HttpContext http, IGrainFactory grains,
            ContactListExportStore exports, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            if (await grains.Grain(caller, listId).GetAsync() is null) return ContactListsApi.NoSuchList(listId);
            return TypedResults.Ok((await exports.ListAsync(caller.TenantId, listId, 50, ct)).Select(ExportView.From).ToList());
        }).RequireAuthorization(Policies.TenantReader).WithSummary("The list's recent exports to SFTP, newest first");

        g.MapGet("/{exportId:guid}", async Task<Results<Ok<ExportView>, ProblemHttpResult>> (Guid listId, Guid exportId, HttpContext http,
            ContactListExportStore exports, CancellationToken ct) =>
            await exports.GetAsync(Caller.From(http.User).TenantId, listId, exportId, ct) is { } e
                ? TypedResults.Ok(ExportView.From(e))
                : TypedResults.Problem(statusCode: 404, title: "No such export", detail: $"This list has no export {exportId}."))
            .RequireAuthorization(Policies.TenantReader).WithSummary("One export: its state, destination, records and bytes written, and error");
    }
}

using CxContact.Server.Platform.Auth;
using CxContact.Server.Platform.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace CxContact.Server.Suppression;

/// <summary>
/// GET /api/v1/suppression-lists/{id}/feeds: the compliance data feeds that write into the list, how many numbers
/// each holds, and its last applied import, so an operator can see that each registry copy is current (the FTC and
/// the CRTC require one no older than 31 days, PECR 28).
/// </summary>
public static class SuppressionFeedsApi
{
    public sealed record FeedView(string Feed, long Holds, LastImport? LastApplied, double? AgeDays);
    public sealed record LastImport(Guid Id, string Mode, DateTimeOffset FinishedAt, long Added, long Removed, long Kept, long NotOnList, string Url);

    public static void MapSuppressionFeedsApi(this RouteGroupBuilder g)
    {
        g.MapGet("/{listId:guid}/feeds", async Task<Results<Ok<List<FeedView>>, ProblemHttpResult>> (Guid listId, HttpContext http, IGrainFactory grains,
            NpgsqlDataSource db, PlatformClock clock, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            if (await grains.SuppressionList(caller, listId).GetAsync() is null) return SuppressionListsApi.NoSuchList(listId);
            // Every feed that holds numbers or ever applied an import, whichever came first.
            await using var cmd = db.CreateCommand($"""
                WITH holds AS (
                    SELECT f AS feed, count(*) AS n FROM {SuppressionListStore.PartitionName(listId)}, unnest(feeds) f
                    WHERE feeds IS NOT NULL GROUP BY f),
                last AS (
                    SELECT DISTINCT ON (spec ->> 'feed') spec ->> 'feed' AS feed, import_id, mode, finished_at, added, removed, kept, not_on_list
                    FROM suppression_imports
                    WHERE tenant_id = @t AND list_id = @l AND spec ->> 'feed' IS NOT NULL AND state = 'succeeded'
                    ORDER BY spec ->> 'feed', finished_at DESC)
                SELECT coalesce(h.feed, l.feed), coalesce(h.n, 0), l.import_id, l.mode, l.finished_at, l.added, l.removed, l.kept, l.not_on_list
                FROM holds h FULL JOIN last l ON l.feed = h.feed
                ORDER BY 1
                """);
            cmd.Parameters.AddWithValue("t", caller.TenantId);
            cmd.Parameters.AddWithValue("l", listId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            var now = clock.GetUtcNow();
            var feeds = new List<FeedView>();
            while (await r.ReadAsync(ct))
            {
                LastImport? last = r.IsDBNull(2) ? null : new LastImport(r.GetGuid(2), r.GetString(3), r.GetFieldValue<DateTimeOffset>(4),
                    r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), $"/api/v1/suppression-lists/{listId}/imports/{r.GetGuid(2)}");
                feeds.Add(new FeedView(r.GetString(0), r.GetInt64(1), last, last is null ? null : Math.Round((now - last.FinishedAt).TotalDays, 2)));
            }
            return TypedResults.Ok(feeds);
        }).RequireAuthorization(Policies.TenantReader)
            .WithSummary("The feeds that write into the list: numbers each holds, its last applied import (what it added and removed) and how old that is");
    }
}

using CxContact.Server.Platform.Audit;
using CxContact.Server.Compliance.Recovery;
using CxContact.Server.Platform.Hosting;
using System.Globalization;
using System.Text;
using CxContact.Core.Suppression;
using CxContact.Core.Tenancy;
using CxContact.Server.Api;
using CxContact.Server.Lists;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using StackExchange.Redis;

namespace CxContact.Server.Suppression;

/// <summary>
/// A list's entries: add, remove, search, count, export, purge, rebuild the index, and look a value up in it.
/// Every write goes to PostgreSQL first (the truth), then to the index; an index failure is answered, not hidden.
/// </summary>
public static class SuppressionEntriesApi
{
    public const int MaxEntriesPerCall = 10_000;
    public const int MaxPage = 1000;
    public const int MaxSourceLength = 200;

    public sealed record EntryRequest(string? Type, string? Value, DateTimeOffset? StartsAt, DateTimeOffset? ExpiresAt, string? Source);
    public sealed record EntriesRequest(List<EntryRequest?>? Entries);
    public sealed record AddResult(int Received, long Added, long Updated, long EntryCount);
    /// <summary>Feeds: the feeds that hold the entry (null: none); Direct: it was added directly (a feed's deletion does not remove it).</summary>
    public sealed record EntryView(string Type, string Value, DateTimeOffset? StartsAt, DateTimeOffset? ExpiresAt, string? Source, DateTimeOffset? CreatedAt,
        IReadOnlyList<string>? Feeds, bool Direct);
    public sealed record EntryPage(IReadOnlyList<EntryView> Entries, string? Next);
    public sealed record CountView(long Total, IReadOnlyDictionary<string, long> ByType, long Expired);
    public sealed record PurgeResult(long Purged, long EntryCount);
    public sealed record RebuildResult(long Version, long Entries, double Seconds);
    public sealed record LookupResult(bool Suppressed, SuppressionHit? Match, DateTimeOffset At);

    public static void MapSuppressionEntriesApi(this RouteGroupBuilder g)
    {
        g.MapPost("/{listId:guid}/entries", async Task<Results<Ok<AddResult>, ValidationProblem, ProblemHttpResult>> (
            Guid listId, EntriesRequest body, HttpContext http, IGrainFactory grains, SuppressionListStore store, SuppressionIndex index,
            SuppressionValueNormalizer normalizer, PlatformClock clock, ILoggerFactory logs, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            var errors = new FieldErrors();
            if (body.Entries is null or { Count: 0 }) return errors.Add("entries", "give at least one entry").ToProblem();
            if (body.Entries.Count > MaxEntriesPerCall)
                return errors.Add("entries", $"{body.Entries.Count} entries; at most {MaxEntriesPerCall} per call (import a file for more)").ToProblem();
            var grain = grains.SuppressionList(caller, listId);
            if (await grain.GetAsync() is null) return SuppressionListsApi.NoSuchList(listId);

            var country = await DefaultCountryAsync(grains, caller);
            // A value given twice in one call is one entry; the last one given wins, as it would over two calls.
            var entries = new Dictionary<(string, string), SuppressionEntry>();
            for (var i = 0; i < body.Entries.Count; i++)
            {
                var e = body.Entries[i];
                var at = $"entries[{i}]";
                if (e is null) { errors.Add(at, "is null; give {type, value}"); continue; }
                if (!SuppressionEntryType.IsKnown(e.Type))
                {
                    errors.Add(at + ".type", e.Type is null ? "is required" : $"\"{e.Type}\" is not an entry type; use phone, email or clientId");
                    continue;
                }
                var value = normalizer.Normalize(e.Type!, e.Value, country, out var error);
                if (value is null) errors.Add(at + ".value", error!);
                if (e.StartsAt is { } s && e.ExpiresAt is { } x && x <= s) errors.Add(at + ".expiresAt", "must be after startsAt");
                var source = e.Source?.Trim();
                if (source is { Length: > MaxSourceLength }) errors.Add(at + ".source", $"at most {MaxSourceLength} characters");
                if (value is not null) entries[(e.Type!, value)] = new SuppressionEntry(e.Type!, value, e.StartsAt, e.ExpiresAt, string.IsNullOrEmpty(source) ? null : source);
            }
            if (errors.Any) return errors.ToProblem();

            // In key order: PostgreSQL then fills primary-key pages one after another instead of jumping around the
            // index, and Redis meets each area code's bitmap in one run.
            var list = entries.Values.ToList();
            list.Sort(static (x, y) => string.CompareOrdinal(x.Type, y.Type) is var t and not 0 ? t : string.CompareOrdinal(x.Value, y.Value));
            var (added, feedHeld) = await store.UpsertAsync(caller.TenantId, listId, list, ct);
            var stored = SuppressionEntry.AsUpserted(list, feedHeld);
            if (await IndexAsync(() => index.AddAsync(caller.TenantId, listId, stored, clock.GetUtcNow()), index, caller.TenantId, listId, logs, store) is { } failed)
                return failed;
            await grain.EntriesChangedAsync(added);
            var count = (await grain.GetAsync())?.EntryCount ?? 0;
            return TypedResults.Ok(new AddResult(body.Entries.Count, added, list.Count - added, count));
        }).RequireAuthorization(Policies.TenantOperator).WithSummary($"Add or update up to {MaxEntriesPerCall} entries (phone, email, clientId)");

        g.MapDelete("/{listId:guid}/entries", async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> (
            Guid listId, string? type, string? value, HttpContext http, IGrainFactory grains, SuppressionListStore store, SuppressionIndex index,
            SuppressionValueNormalizer normalizer, ILoggerFactory logs, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            var grain = grains.SuppressionList(caller, listId);
            if (await grain.GetAsync() is null) return SuppressionListsApi.NoSuchList(listId);
            var (t, v, errors) = await TypedValueAsync(type, value, required: true, grains, caller, normalizer);
            if (errors.Any) return errors.ToProblem();
            var (removed, feeds) = await store.RemoveAsync(caller.TenantId, listId, t!, v!, ct);
            if (feeds is not null)
                return TypedResults.Problem(statusCode: 409, title: "The entry is held by a feed",
                    detail: $"{v} is on list {listId} because the feed{(feeds.Length > 1 ? "s" : "")} {string.Join(", ", feeds)} " +
                            $"hold{(feeds.Length > 1 ? "" : "s")} it; it leaves the list when {(feeds.Length > 1 ? "they delete" : "that feed deletes")} it " +
                            "(a change list's delete row, or a full list without it).");
            if (!removed)
                return TypedResults.Problem(statusCode: 404, title: "No such entry", detail: $"List {listId} has no {t} entry \"{v}\".");
            if (await IndexAsync(() => index.RemoveAsync(caller.TenantId, listId, [(t!, v!)]), index, caller.TenantId, listId, logs, store) is { } failed)
                return failed;
            await grain.EntriesChangedAsync(-1);
            return TypedResults.NoContent();
        }).RequireAuthorization(Policies.TenantOperator)
          // Who took a number off a do-not-call list, and which one: compliance asks exactly this.
          .AddEndpointFilter(new Audited("suppression-entry.deleted", http => new { type = http.Request.Query["type"].ToString(), value = http.Request.Query["value"].ToString() }))
          .WithSummary("Remove one entry (?type=phone&value=...; the value is normalised first)");

        g.MapGet("/{listId:guid}/entries", async Task<Results<Ok<EntryPage>, ValidationProblem, ProblemHttpResult>> (
            Guid listId, string? type, string? value, int? limit, string? after, HttpContext http, IGrainFactory grains,
            SuppressionListStore store, SuppressionValueNormalizer normalizer, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            if (await grains.SuppressionList(caller, listId).GetAsync() is null) return SuppressionListsApi.NoSuchList(listId);
            var (t, v, errors) = await TypedValueAsync(type, value, required: false, grains, caller, normalizer);
            if (limit is < 1 or > MaxPage) errors.Add("limit", $"must be between 1 and {MaxPage}");
            (string, string)? cursor = null;
            if (after is not null && (cursor = Cursor.Decode(after)) is null) errors.Add("after", "is not a cursor this endpoint gave (use the previous page's next)");
            if (errors.Any) return errors.ToProblem();
            var n = limit ?? 100;
            var rows = await store.PageAsync(caller.TenantId, listId, t, v, cursor, n, ct);
            return TypedResults.Ok(new EntryPage(rows.Select(View).ToList(), rows.Count == n ? Cursor.Encode(rows[^1].Type, rows[^1].Value) : null));
        }).RequireAuthorization(Policies.TenantReader).WithSummary("Search and page through entries (type, exact value, limit, after = the previous page's next)");

        g.MapGet("/{listId:guid}/entries/count", async Task<Results<Ok<CountView>, ProblemHttpResult>> (
            Guid listId, HttpContext http, IGrainFactory grains, SuppressionListStore store, PlatformClock clock, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            if (await grains.SuppressionList(caller, listId).GetAsync() is null) return SuppressionListsApi.NoSuchList(listId);
            var (byType, expired) = await store.CountAsync(caller.TenantId, listId, clock.GetUtcNow(), ct);
            return TypedResults.Ok(new CountView(byType.Values.Sum(), byType, expired));
        }).RequireAuthorization(Policies.TenantReader).WithSummary("Exact entry counts by type, and how many have expired but are not purged yet");

        g.MapGet("/{listId:guid}/export", async Task<Results<EmptyHttpResult, ProblemHttpResult>> (
            Guid listId, HttpContext http, IGrainFactory grains, SuppressionListStore store, Npgsql.NpgsqlDataSource db, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            if (await grains.SuppressionList(caller, listId).GetAsync() is null) return SuppressionListsApi.NoSuchList(listId);
            http.Response.ContentType = "text/csv; charset=utf-8";
            http.Response.Headers.ContentDisposition = $"attachment; filename=\"suppression-list-{listId}.csv\"";
            var sb = new StringBuilder();
            CsvCell.Row(sb, "type", "value", "startsAt", "expiresAt", "source", "createdAt", "feeds", "direct");
            long rows = 0;
            await using (new ExportAudit(db, caller, "suppression-list.exported", listId.ToString(), () => rows))
            {
                await foreach (var e in store.StreamAsync(caller.TenantId, listId, ct))
                {
                    CsvCell.Row(sb, e.Type, e.Value, Iso(e.StartsAt), Iso(e.ExpiresAt), e.Source, Iso(e.CreatedAt),
                        e.Feeds is null ? "" : string.Join(' ', e.Feeds), e.Direct ? "true" : "false");
                    rows++;
                    if (sb.Length > 256 * 1024) { await http.Response.WriteAsync(sb.ToString(), ct); sb.Clear(); }
                }
                await http.Response.WriteAsync(sb.ToString(), ct);
            }
            return TypedResults.Empty;
        }).RequireAuthorization(Policies.ExportPii).WithSummary("Export the entries as CSV (formula-like cells are neutralised); written to the audit log with its row count");

        g.MapPost("/{listId:guid}/purge-expired", async Task<Results<Ok<PurgeResult>, ProblemHttpResult>> (
            Guid listId, HttpContext http, IGrainFactory grains, SuppressionPurger purger, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            if (await purger.PurgeAsync(caller.TenantId, listId, ct) is not { } outcome) return SuppressionListsApi.NoSuchList(listId);
            if (outcome.IndexFailure is not null)
                return TypedResults.Problem(statusCode: 503, title: "The suppression index could not be updated",
                    detail: $"{outcome.Purged} expired entries were deleted, but the lookup index could not be written; lookups on this list fail " +
                            $"closed until POST /api/v1/suppression-lists/{listId}/rebuild-index succeeds.");
            return TypedResults.Ok(new PurgeResult(outcome.Purged, (await grains.SuppressionList(caller, listId).GetAsync())?.EntryCount ?? 0));
        }).RequireAuthorization(Policies.TenantOperator).WithSummary("Delete expired entries from the list and its index; answers how many");

        g.MapPost("/{listId:guid}/rebuild-index", async Task<Results<Ok<RebuildResult>, ProblemHttpResult>> (
            Guid listId, HttpContext http, SuppressionRebuilder rebuilder, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            // Not the request's token: a client that disconnects must not leave a half-loaded version behind for nothing.
            var result = await rebuilder.RebuildAsync(caller.TenantId, listId, CancellationToken.None);
            return result is null ? SuppressionListsApi.NoSuchList(listId)
                : TypedResults.Ok(new RebuildResult(result.Version, result.Entries, Math.Round(result.Took.TotalSeconds, 3)));
        }).RequireAuthorization(Policies.TenantOperator).WithSummary("Rebuild the Redis index from the stored entries; the old index answers until the switch");

        g.MapGet("/{listId:guid}/lookup", async Task<Results<Ok<LookupResult>, ValidationProblem, ProblemHttpResult>> (
            Guid listId, string? phone, string? email, string? clientId, DateTimeOffset? at, HttpContext http, IGrainFactory grains,
            SuppressionIndex index, RedisEpoch epoch, SuppressionValueNormalizer normalizer, PlatformClock clock) =>
        {
            var caller = Caller.From(http.User);
            if (await grains.SuppressionList(caller, listId).GetAsync() is null) return SuppressionListsApi.NoSuchList(listId);
            var errors = new FieldErrors();
            if (phone is null && email is null && clientId is null) return errors.Add("phone", "give phone, email or clientId").ToProblem();
            var country = await DefaultCountryAsync(grains, caller);
            string? Norm(string field, string type, string? raw)
            {
                if (raw is null) return null;
                var v = normalizer.Normalize(type, raw, country, out var error);
                if (v is null) errors.Add(field, error!);
                return v;
            }
            var p = Norm("phone", SuppressionEntryType.Phone, phone);
            var e = Norm("email", SuppressionEntryType.Email, email);
            var c = Norm("clientId", SuppressionEntryType.ClientId, clientId);
            if (errors.Any) return errors.ToProblem();
            var when = at ?? clock.GetUtcNow();
            try
            {
                var hit = await index.FindAsync(caller.TenantId, [listId], p, e, c, when, epoch);
                return TypedResults.Ok(new LookupResult(hit is not null, hit, when));
            }
            catch (RedisNotCurrentException x)
            {
                http.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem(statusCode: 503, title: x.Unreachable ? "The suppression index cannot be reached" : "The suppression index is being rebuilt",
                    detail: x.Message);
            }
            catch (SuppressionIndexUnavailableException x)
            {
                return TypedResults.Problem(statusCode: 503, title: "The suppression index is not available", detail: x.Message + " POST .../rebuild-index rebuilds it.");
            }
        }).RequireAuthorization(Policies.TenantReader).WithSummary("Is this phone, email or client id suppressed by this list (now, or at ?at=)");
    }

    /// <summary>
    /// Runs an index write after PostgreSQL committed. On a Redis failure the index no longer matches the truth, so
    /// its version stamp is removed (best effort): lookups then fail closed until a rebuild, instead of allowing a
    /// call the list forbids. The caller gets a 503 saying the entries were saved.
    /// </summary>
    private static async Task<ProblemHttpResult?> IndexAsync(Func<Task> write, SuppressionIndex index, Guid tenantId, Guid listId, ILoggerFactory logs,
        SuppressionListStore store)
    {
        try
        {
            await write();
            return null;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            var log = logs.CreateLogger(typeof(SuppressionEntriesApi));
            log.LogError(e, "Suppression list {ListId}: entries are saved but the index write failed; marking the index stale", listId);
            // In PostgreSQL first: Redis may be down, and this mark must outlive the outage (validation reads it).
            await store.MarkStaleAsync(tenantId, listId, CancellationToken.None);
            try { await index.MarkStaleAsync(tenantId, listId); }
            catch (Exception stale) when (stale is RedisException or TimeoutException)
            {
                log.LogError(stale, "Suppression list {ListId}: could not mark the index stale either; rebuild it when Redis is back", listId);
            }
            return TypedResults.Problem(statusCode: 503, title: "The suppression index could not be updated",
                detail: "The entries were saved, but the lookup index could not be written; lookups on this list fail closed until " +
                        $"POST /api/v1/suppression-lists/{listId}/rebuild-index succeeds.");
        }
    }

    private static async Task<(string? Type, string? Value, FieldErrors Errors)> TypedValueAsync(string? type, string? value, bool required,
        IGrainFactory grains, Caller caller, SuppressionValueNormalizer normalizer)
    {
        var errors = new FieldErrors();
        if (type is null && (required || value is not null)) errors.Add("type", "is required; use phone, email or clientId");
        else if (type is not null && !SuppressionEntryType.IsKnown(type)) errors.Add("type", $"\"{type}\" is not an entry type; use phone, email or clientId");
        if (value is null && required) errors.Add("value", "is required");
        if (errors.Any || value is null) return (type, null, errors);
        var v = normalizer.Normalize(type!, value, await DefaultCountryAsync(grains, caller), out var error);
        if (v is null) errors.Add("value", error!);
        return (type, v, errors);
    }

    private static async Task<string> DefaultCountryAsync(IGrainFactory grains, Caller caller) =>
        (await grains.GetGrain<ITenantGrain>(caller.TenantId).GetSettingsAsync()).DefaultCountry;

    private static EntryView View(SuppressionEntry e) => new(e.Type, e.Value, e.StartsAt, e.ExpiresAt, e.Source, e.CreatedAt, e.Feeds, e.Direct);

    private static string? Iso(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>An opaque keyset cursor: the last (type, value) of a page.</summary>
    private static class Cursor
    {
        public static string Encode(string type, string value) =>
            Convert.ToBase64String(Encoding.UTF8.GetBytes(type + "\n" + value)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static (string, string)? Decode(string cursor)
        {
            try
            {
                var b64 = cursor.Replace('-', '+').Replace('_', '/');
                b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
                var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
                var nl = text.IndexOf('\n');
                return nl > 0 && SuppressionEntryType.IsKnown(text[..nl]) ? (text[..nl], text[(nl + 1)..]) : null;
            }
            catch (FormatException) { return null; }
        }
    }
}

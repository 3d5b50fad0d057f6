using CxContact.Server.Platform.Hosting;
using CxContact.Core.Campaigns;
using CxContact.Core.Dialing;
using CxContact.Server.Api;
using CxContact.Server.Campaigns;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.CallingList;

/// <summary>
/// The dialer pull API over a campaign's calling list, under /api/v1/campaigns/{id}: POST leases, POST results (one or
/// a batch). Tagged "Dialing", as the built-in simulator's operations are (<see cref="Dialing.SimulatorApi"/>).
/// </summary>
public static class DialingApi
{
    public sealed record LeaseRequest(int? Count);
    public sealed record LeaseView(Guid LeaseId, DateTimeOffset ExpiresAt, IReadOnlyList<LeasedRecord> Records, int Deferred, int MaxCount);
    public sealed record ResultRequest(Guid? LeaseId, long? RecordId, string? Result, string? Disposition, DateTimeOffset? At, DateTimeOffset? CallbackAt);
    public sealed record BatchRequest(IReadOnlyList<ResultRequest?>? Results);
    public sealed record BatchItem(Guid LeaseId, long RecordId, int Status, ResultOutcome? Outcome, string? Detail);
    public sealed record BatchAnswer(IReadOnlyList<BatchItem> Results);

    public static void MapDialingApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/campaigns").WithTags("Dialing");

        g.MapPost("/{id:guid}/leases", async Task<Results<Ok<LeaseView>, ValidationProblem, ProblemHttpResult>> (
            Guid id, LeaseRequest body, HttpContext http, IGrainFactory grains, LeaseService leases, CancellationToken ct) =>
        {
            if (body.Count is not { } count || count < 1 || count > LeaseService.MaxCount)
                return new FieldErrors().Add("count", $"{(body.Count is null ? "is required" : $"is {body.Count}")}; a lease takes 1 to {LeaseService.MaxCount} records (ask again for more)").ToProblem();
            var grain = grains.Campaign(Caller.From(http.User), id);
            if (await grain.GetAsync() is not { } info) return CampaignsApi.NoSuchCampaign(id);
            if (!info.State.Dials())
                return TypedResults.Problem(statusCode: 409, title: "The campaign is not dialing",
                    detail: $"The campaign is {info.State.ToWire()}; records are leased only while it is running.",
                    extensions: new Dictionary<string, object?> { ["state"] = info.State.ToWire() });
            if (info.Definition.Channel != Core.Compliance.Channel.Voice)
                return TypedResults.Problem(statusCode: 409, title: "The campaign sends messages",
                    detail: $"This is an {Core.Compliance.Channels.ToWire(info.Definition.Channel)} campaign: the Dial Manager sends its messages, and dialers lease nothing from it.");
            var lease = await leases.LeaseAsync(Caller.From(http.User).TenantId, id, info.Definition, count, ct);
            if (lease.Records.Count == 0 && lease.Deferred == 0) _ = grain.CheckCompletedAsync();
            return TypedResults.Ok(new LeaseView(lease.LeaseId, lease.ExpiresAt, lease.Records, lease.Deferred, LeaseService.MaxCount));
        }).RequireAuthorization(Policies.Dialer).WithName("leaseCampaignRecords").WithSummary($"Lease up to {LeaseService.MaxCount} records callable now, each cleared by the Compliance Manager");

        g.MapPost("/{id:guid}/results", async Task<Results<Ok<ResultOutcome>, ValidationProblem, ProblemHttpResult>> (
            Guid id, ResultRequest body, HttpContext http, IGrainFactory grains, ResultRecorder recorder, PlatformClock clock, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            var request = Validate(body, "", errors, clock.GetUtcNow());
            if (errors.Any) return errors.ToProblem();
            var caller = Caller.From(http.User);
            var grain = grains.Campaign(caller, id);
            if (await grain.GetAsync() is not { } info) return CampaignsApi.NoSuchCampaign(id);
            if (!info.State.TakesResults()) return NoResults(info.State);
            var answer = (await recorder.RecordManyAsync(caller.TenantId, id, info.Definition, [request!], ct))[0];
            if (info.State == CampaignState.Stopping) _ = grain.CheckCompletedAsync();
            return answer.Outcome is { } outcome ? TypedResults.Ok(outcome)
                : TypedResults.Problem(statusCode: 409, title: "The result was not applied", detail: answer.Refused);
        }).RequireAuthorization(Policies.Dialer).WithName("reportCampaignResult").WithSummary("Report a call result for a leased record (idempotent per lease and record)");

        g.MapPost("/{id:guid}/results/batch", async Task<Results<Ok<BatchAnswer>, ValidationProblem, ProblemHttpResult>> (
            Guid id, BatchRequest body, HttpContext http, IGrainFactory grains, ResultRecorder recorder, PlatformClock clock, CancellationToken ct) =>
        {
            var errors = new FieldErrors();
            if (body.Results is not { Count: > 0 } items) return errors.Add("results", "give at least one result").ToProblem();
            if (items.Count > ResultRecorder.MaxBatch) return errors.Add("results", $"{items.Count} results; at most {ResultRecorder.MaxBatch} per call").ToProblem();
            var now = clock.GetUtcNow();
            var requests = items.Select((r, i) => r is null ? null : Validate(r, $"results[{i}].", errors, now)).ToList();
            for (var i = 0; i < items.Count; i++) if (items[i] is null) errors.Add($"results[{i}]", "is null");
            if (errors.Any) return errors.ToProblem();
            var caller = Caller.From(http.User);
            var grain = grains.Campaign(caller, id);
            if (await grain.GetAsync() is not { } info) return CampaignsApi.NoSuchCampaign(id);
            if (!info.State.TakesResults()) return NoResults(info.State);
            var answers = await recorder.RecordManyAsync(caller.TenantId, id, info.Definition, requests!, ct);
            if (info.State == CampaignState.Stopping) _ = grain.CheckCompletedAsync();
            return TypedResults.Ok(new BatchAnswer([.. answers.Select((a, i) => new BatchItem(requests[i]!.LeaseId, requests[i]!.RecordId,
                a.Outcome is null ? 409 : 200, a.Outcome, a.Refused))]));
        }).RequireAuthorization(Policies.Dialer).WithName("reportCampaignResults").WithSummary($"Report up to {ResultRecorder.MaxBatch} results at once; each answers 200 or 409 on its own");
    }

    private static ProblemHttpResult NoResults(CampaignState state) => TypedResults.Problem(statusCode: 409, title: "The campaign takes no results now",
        detail: $"The campaign is {state.ToWire()}; its leases were released, so this result changes nothing.",
        extensions: new Dictionary<string, object?> { ["state"] = state.ToWire() });

    /// <summary>One result's fields, checked at the edge; errors are named under <paramref name="path"/>.</summary>
    private static ResultRecorder.Request? Validate(ResultRequest body, string path, FieldErrors errors, DateTimeOffset now)
    {
        var before = errors.Count;
        if (body.LeaseId is null) errors.Add(path + "leaseId", "is required: the id of the lease the record came in");
        if (body.RecordId is null) errors.Add(path + "recordId", "is required");
        if (!CallResults.TryParse(body.Result, out var result))
            errors.Add(path + "result", $"{(body.Result is null ? "is required" : $"\"{body.Result}\" is not a call result")}; use {string.Join(", ", CallResults.WireNames)}");
        if (body.Disposition is { Length: > 200 }) errors.Add(path + "disposition", "at most 200 characters");
        if (body.At is { } at && at > now.AddMinutes(5)) errors.Add(path + "at", "is in the future; give when the call ended (UTC), or leave it out for now");
        if (result == CallResult.CallbackRequested && body.CallbackAt is null) errors.Add(path + "callbackAt", "a callback-requested result needs the time the contact asked to be called");
        if (body.CallbackAt is { } cb && (cb < now.AddMinutes(-5) || cb > now.AddDays(30))) errors.Add(path + "callbackAt", "must be within the next 30 days");
        if (body.CallbackAt is not null && result != CallResult.CallbackRequested && body.Result is not null) errors.Add(path + "callbackAt", "only goes with the result callback-requested");
        return errors.Count > before ? null : new ResultRecorder.Request(body.LeaseId!.Value, body.RecordId!.Value, result, body.Disposition, body.At, body.CallbackAt);
    }
}

using CxContact.Server.Platform.Audit;
using CxContact.Core.Scheduling;
using CxContact.Server.Api;
using CxContact.Server.Platform.Auth;
using CxContact.Server.Platform.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Scheduling;

/// <summary>
/// /api/v1/schedules: the tenant's schedules (cron in a zone, or one run at an instant) and their runs. Only
/// translates HTTP to the tenant's <see cref="ISchedulerGrain"/>, the run store and Hangfire's queue.
/// </summary>
public static class SchedulesApi
{
    public const int HistoryLimit = 100;

    public sealed record RunAccepted(Guid RunId, string State, string Runs);

    public static ISchedulerGrain Scheduler(this IGrainFactory grains, Caller caller) => grains.GetGrain<ISchedulerGrain>(caller.TenantId);

    public static ProblemHttpResult NoSuchSchedule(Guid id) =>
        TypedResults.Problem(statusCode: 404, title: "No such schedule", detail: $"This tenant has no schedule {id}.");

    public static void MapSchedulesApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/schedules").WithTags("Schedules");

        g.MapPost("/", async Task<Results<Created<ScheduleView>, ValidationProblem>> (ScheduleRequest body, HttpContext http, IGrainFactory grains,
            ScheduleRequestParser parser, PlatformClock clock, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            var errors = new FieldErrors();
            if (await parser.ParseAsync(body, caller.TenantId, errors, ct) is not { } def) return errors.ToProblem();
            var id = Guid.CreateVersion7();
            var info = await grains.Scheduler(caller).CreateAsync(id, def);
            return TypedResults.Created($"/api/v1/schedules/{id}", ScheduleView.From(info, clock.GetUtcNow()));
        }).RequireAuthorization(Policies.TenantOperator).AddEndpointFilter(new Audited("schedule.created"))
            .WithSummary("Create a schedule: {name, cron | runAt, timeZone, action: {type, …}, enabled, missedRuns}; answers its next 5 runs");

        g.MapGet("/", async (HttpContext http, IGrainFactory grains, PlatformClock clock) =>
        {
            var now = clock.GetUtcNow();
            return TypedResults.Ok((await grains.Scheduler(Caller.From(http.User)).ListAsync()).Select(s => ScheduleView.From(s, now)).ToList());
        }).RequireAuthorization(Policies.TenantReader).WithSummary("This tenant's schedules, with their next runs");

        g.MapGet("/{id:guid}", async Task<Results<Ok<ScheduleView>, ProblemHttpResult>> (Guid id, HttpContext http, IGrainFactory grains, PlatformClock clock) =>
            await grains.Scheduler(Caller.From(http.User)).GetAsync(id) is { } s ? TypedResults.Ok(ScheduleView.From(s, clock.GetUtcNow())) : NoSuchSchedule(id))
            .RequireAuthorization(Policies.TenantReader).WithSummary("A schedule and its next 5 runs");

        g.MapPut("/{id:guid}", async Task<Results<Ok<ScheduleView>, ValidationProblem, ProblemHttpResult>> (Guid id, ScheduleRequest body,
            HttpContext http, IGrainFactory grains, ScheduleRequestParser parser, PlatformClock clock, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            var grain = grains.Scheduler(caller);
            if (await grain.GetAsync(id) is null) return NoSuchSchedule(id);
            var errors = new FieldErrors();
            if (await parser.ParseAsync(body, caller.TenantId, errors, ct) is not { } def) return errors.ToProblem();
            return await grain.UpdateAsync(id, def) is { } s ? TypedResults.Ok(ScheduleView.From(s, clock.GetUtcNow())) : NoSuchSchedule(id);
        }).RequireAuthorization(Policies.TenantOperator).AddEndpointFilter(new Audited("schedule.updated")).WithSummary("Replace a schedule; Hangfire follows at once");

        g.MapDelete("/{id:guid}", async Task<Results<NoContent, ProblemHttpResult>> (Guid id, HttpContext http, IGrainFactory grains) =>
            await grains.Scheduler(Caller.From(http.User)).DeleteAsync(id) ? TypedResults.NoContent() : NoSuchSchedule(id))
            .RequireAuthorization(Policies.TenantOperator).AddEndpointFilter(new Audited("schedule.deleted"))
            .WithSummary("Delete a schedule and its Hangfire jobs (its run history stays)");

        foreach (var (path, enabled) in new[] { ("enable", true), ("disable", false) })
            g.MapPost($"/{{id:guid}}/{path}", async Task<Results<Ok<ScheduleView>, ProblemHttpResult>> (Guid id, HttpContext http, IGrainFactory grains,
                PlatformClock clock) =>
                await grains.Scheduler(Caller.From(http.User)).SetEnabledAsync(id, enabled) is { } s
                    ? TypedResults.Ok(ScheduleView.From(s, clock.GetUtcNow())) : NoSuchSchedule(id))
                .RequireAuthorization(Policies.TenantOperator).AddEndpointFilter(new Audited(enabled ? "schedule.enabled" : "schedule.disabled"))
                .WithSummary(enabled ? "Enable a schedule" : "Disable a schedule (it stays defined but does not fire)");

        g.MapPost("/{id:guid}/run", async Task<Results<Accepted<RunAccepted>, ProblemHttpResult>> (Guid id, HttpContext http, IGrainFactory grains,
            ScheduleRunStore runs, HangfireSchedules hangfire, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            if (await grains.Scheduler(caller).GetAsync(id) is not { } s) return NoSuchSchedule(id);
            var runId = Guid.CreateVersion7();
            // The row first, so the history shows the run as queued even before a scheduler server takes it.
            var run = await runs.QueueManualAsync(caller.TenantId, id, runId, s.Definition.Action.Type, ct);
            hangfire.RunNow(caller.TenantId, id, runId);
            var url = $"/api/v1/schedules/{id}/runs";
            return TypedResults.Accepted(url, new RunAccepted(runId, run.State, url));
        }).RequireAuthorization(Policies.TenantOperator).WithSummary("Run the schedule's action now (queued on the scheduler role); answers 202");

        g.MapGet("/{id:guid}/runs", async Task<Results<Ok<List<ScheduleRunView>>, ProblemHttpResult>> (Guid id, HttpContext http, IGrainFactory grains,
            ScheduleRunStore runs, CancellationToken ct) =>
        {
            var caller = Caller.From(http.User);
            // A deleted schedule's history stays readable only through /jobs; here the schedule must exist.
            if (await grains.Scheduler(caller).GetAsync(id) is null) return NoSuchSchedule(id);
            return TypedResults.Ok((await runs.ListAsync(caller.TenantId, id, HistoryLimit, ct)).Select(ScheduleRunView.From).ToList());
        }).RequireAuthorization(Policies.TenantReader).WithSummary("The schedule's recent runs: state, duration, error and the import each produced");
    }
}

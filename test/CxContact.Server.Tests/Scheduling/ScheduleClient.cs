using System.Net;
using System.Text.Json;
using CxContact.Server.Platform.Hosting;
using CxContact.Server.Tests.Infrastructure;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace CxContact.Server.Tests.Scheduling;

/// <summary>Drives /api/v1/schedules over HTTP, and looks into Hangfire's storage the way another process would.</summary>
public sealed class ScheduleClient(HttpClient http, string postgres)
{
    public HttpClient Http => http;

    public async Task<JsonElement> CreateAsync(object body) =>
        await HttpAssert.Json(await http.PostJson("/api/v1/schedules", body), HttpStatusCode.Created);

    public async Task<JsonElement> GetAsync(Guid id) => await HttpAssert.Json(await http.GetAsync($"/api/v1/schedules/{id}"), HttpStatusCode.OK);

    public async Task<Guid> RunNowAsync(Guid id)
    {
        var accepted = await HttpAssert.Json(await http.PostAsync($"/api/v1/schedules/{id}/run", null), HttpStatusCode.Accepted);
        return accepted.GetProperty("runId").GetGuid();
    }

    public async Task<List<JsonElement>> RunsAsync(Guid id) =>
        (await HttpAssert.Json(await http.GetAsync($"/api/v1/schedules/{id}/runs"), HttpStatusCode.OK)).EnumerateArray().ToList();

    /// <summary>Waits until the schedule has <paramref name="count"/> finished runs (polling the history); returns them, newest first.</summary>
    public async Task<List<JsonElement>> FinishedRunsAsync(Guid id, int count = 1)
    {
        static List<JsonElement> Finished(List<JsonElement> runs) => runs.Where(r => r.GetProperty("state").GetString() is "succeeded" or "failed" or "skipped").ToList();
        var runs = await Eventually.UntilAsync(() => RunsAsync(id), r => Finished(r).Count >= count, TimeSpan.FromSeconds(90));
        var finished = Finished(runs);
        return finished.Count >= count ? finished
            : throw new TimeoutException($"schedule {id} has {finished.Count} finished runs of {count}: {JsonSerializer.Serialize(runs)}; Hangfire: {HangfireState()}");
    }

    // One storage per database for the whole run: each one has a connection pool of its own, and pools made per
    // call would keep their idle connections open until PostgreSQL runs out of them.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, JobStorage> Storages = new();

    /// <summary>Hangfire's storage on the server's database, as a second process (another role) sees it.</summary>
    public JobStorage Hangfire() =>
        Storages.GetOrAdd(postgres, static pg =>
        {
            var options = SchedulerHosting.StorageOptions();
            options.PrepareSchemaIfNecessary = false;
            return new PostgreSqlStorage(new NpgsqlConnectionFactory(pg, options), options);
        });

    /// <summary>What Hangfire holds, for a failure message: servers, queue lengths, failed and retrying jobs with their reasons.</summary>
    public string HangfireState()
    {
        var m = Hangfire().GetMonitoringApi();
        var failed = m.FailedJobs(0, 5).Select(j => $"{j.Key}: {j.Value.ExceptionMessage}");
        var scheduled = m.ScheduledJobs(0, 5).Select(j => $"{j.Key} at {j.Value.EnqueueAt:O}");
        return $"servers {m.Servers().Count}, enqueued {m.EnqueuedCount(global::CxContact.Server.Scheduling.HangfireSchedules.Queue)}, " +
               $"processing {m.ProcessingCount()}, succeeded {m.SucceededListCount()}, failed [{string.Join("; ", failed)}], scheduled [{string.Join("; ", scheduled)}]";
    }

    /// <summary>
    /// Makes the recurring job look as it would after the scheduler servers were down since <paramref name="lastRun"/>:
    /// last executed then, and due since its first occurrence after that (what the servers find when they come back).
    /// </summary>
    public void DownSince(string recurringJobId, DateTime lastRun, DateTime due)
    {
        using var connection = Hangfire().GetConnection();
        using var tx = connection.CreateWriteTransaction();
        tx.SetRangeInHash($"recurring-job:{recurringJobId}", new Dictionary<string, string>
        {
            ["LastExecution"] = global::Hangfire.Common.JobHelper.SerializeDateTime(lastRun),
            ["NextExecution"] = global::Hangfire.Common.JobHelper.SerializeDateTime(due),
        });
        tx.AddToSet("recurring-jobs", recurringJobId, global::Hangfire.Common.JobHelper.ToTimestamp(due));
        tx.Commit();
    }

    public Dictionary<string, global::Hangfire.Storage.RecurringJobDto> RecurringJobs()
    {
        using var connection = Hangfire().GetConnection();
        return global::Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection).ToDictionary(j => j.Id);
    }
}

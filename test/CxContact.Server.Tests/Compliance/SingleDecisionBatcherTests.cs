using CxContact.Core.Compliance;
using CxContact.Core.Phones;
using CxContact.Server.Compliance;
using CxContact.Server.Platform.Hosting;

namespace CxContact.Server.Tests.Compliance;

/// <summary>
/// Concurrent single decisions go out alone while fewer than MaxInFlight are on their way, and together once that
/// many are; each caller gets its own attempt's answer, or its batch's failure.
/// </summary>
public sealed class SingleDecisionBatcherTests
{
    private static PreparedAttempt Attempt(int i) => new($"+1415555{i:0000}", $"+1415555{i:0000}", null, Channel.Voice, null, null, null, null, "US", "CA",
        ["America/Los_Angeles"], DeviceType.Unknown, null, DateTimeOffset.UnixEpoch, null);

    // The decision names its attempt, so a mix-up between callers shows.
    private static Decision For(PreparedAttempt a) => new(true, [], null, [], a.Subject);

    [Fact]
    public async Task Requests_queued_behind_full_flight_go_as_one_batch_and_each_gets_its_own_answer()
    {
        var sent = new List<int>();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batcher = new SingleDecisionBatcher(Guid.NewGuid(), async (_, attempts) =>
        {
            lock (sent) sent.Add(attempts.Length);
            await release.Task;
            return attempts.Select(For).ToArray();
        });

        var first = Enumerable.Range(0, SingleDecisionBatcher.MaxInFlight).Select(i => batcher.DecideAsync(Attempt(i))).ToList();
        var queued = Enumerable.Range(100, 10).Select(i => batcher.DecideAsync(Attempt(i))).ToList();
        lock (sent) Assert.Equal(Enumerable.Repeat(1, SingleDecisionBatcher.MaxInFlight), sent); // the ten wait for a batch to return
        release.SetResult();

        var answers = await Task.WhenAll(first.Concat(queued));
        Assert.Equal(Enumerable.Range(0, SingleDecisionBatcher.MaxInFlight).Concat(Enumerable.Range(100, 10)).Select(i => Attempt(i).Subject),
            answers.Select(a => a.RuleSetVersion));
        lock (sent) Assert.Equal([.. Enumerable.Repeat(1, SingleDecisionBatcher.MaxInFlight), 10], sent);
    }

    [Fact]
    public async Task A_failed_batch_fails_each_of_its_requests_and_the_next_one_is_sent_again()
    {
        var fail = true;
        var batcher = new SingleDecisionBatcher(Guid.NewGuid(), (_, attempts) =>
            fail ? Task.FromException<Decision[]>(new NoSiloForRoleException("compliance", "validation")) : Task.FromResult(attempts.Select(For).ToArray()));
        await Assert.ThrowsAsync<NoSiloForRoleException>(() => batcher.DecideAsync(Attempt(1)));
        fail = false;
        Assert.Equal(Attempt(2).Subject, (await batcher.DecideAsync(Attempt(2))).RuleSetVersion);
    }
}

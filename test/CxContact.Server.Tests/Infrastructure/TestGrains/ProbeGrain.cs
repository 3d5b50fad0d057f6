namespace CxContact.Server.Tests.Infrastructure.TestGrains;

public sealed class ProbeGrain([PersistentState("probe")] IPersistentState<ProbeGrain.State> state) : Grain, IProbeGrain, IRemindable
{
    [GenerateSerializer]
    public sealed class State
    {
        [Id(0)] public int Count { get; set; }
        [Id(1)] public int Ticks { get; set; }
    }

    public async Task<int> IncrementAsync()
    {
        state.State.Count++;
        await state.WriteStateAsync();
        return state.State.Count;
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Count);
    public Task<int> GetTicksAsync() => Task.FromResult(state.State.Ticks);
    public Task<string?> GetETagAsync() => Task.FromResult(state.Etag);
    public Task ClearAsync() => state.ClearStateAsync();

    public Task StartReminderAsync(TimeSpan due) => this.RegisterOrUpdateReminder("probe", due, TimeSpan.FromMinutes(1));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State.Ticks++;
        await state.WriteStateAsync();
    }
}

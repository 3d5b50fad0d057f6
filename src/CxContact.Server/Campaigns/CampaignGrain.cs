using CxContact.Server.Platform.Hosting;
using CxContact.Core.Campaigns;
using CxContact.Core.Dialing;
using CxContact.Core.Lists;
using CxContact.Server.Compliance;
using CxContact.Server.Dialing;
using CxContact.Server.Suppression;
using CxContact.Server.CallingList;

namespace CxContact.Server.Campaigns;

/// <summary>
/// One per campaign group: configuration, the state machine and the last preload. The calling list never passes
/// through here: preload runs as SQL, and dialers lease and report straight against PostgreSQL, asking this grain
/// only whether the campaign dials. A reminder wakes the grain after a silo dies, so a preload that was cut off
/// runs again, a stopping campaign finishes stopping, and a simulator that was driving the campaign resumes.
/// </summary>
[SiloRolePlacement("campaign")]
public sealed class CampaignGrain(
    [PersistentState("campaign")] IPersistentState<CampaignGrain.State> state,
    CampaignStore store, CallingListStore callingList, PreloadQuery preload, RuleSetStore ruleSets, SuppressionListStore suppression,
    DialerSimulator simulator, PreloadHistory history, PlatformClock clock, ILogger<CampaignGrain> log) : Grain, ICampaignGrain, IRemindable
{
    private const string KeepAlive = "campaign-keep-alive";
    /// <summary>How many times a preload that PostgreSQL cut off (a restart, a lost connection) runs before it fails with the reason.</summary>
    public const int PreloadAttempts = 3;
    /// <summary>The longest wait between tries while PostgreSQL is away.</summary>
    public static readonly TimeSpan MaxOutagePause = TimeSpan.FromSeconds(10);

    [GenerateSerializer, Alias("cxc.CampaignGrain.State")]
    public sealed class State
    {
        [Id(0)] public bool Exists { get; set; }
        [Id(1)] public bool Deleted { get; set; }
        [Id(2)] public CampaignDefinition? Definition { get; set; }
        [Id(3)] public CampaignState Current { get; set; }
        [Id(4)] public DateTimeOffset CreatedAt { get; set; }
        [Id(5)] public DateTimeOffset StateChangedAt { get; set; }
        [Id(6)] public PreloadSummary? LastPreload { get; set; }
        [Id(7)] public string? StateReason { get; set; }
        /// <summary>A preload is under way (in "preloading", or alongside dialing when re-preloading a running campaign).</summary>
        [Id(8)] public bool PreloadRunning { get; set; }
        /// <summary>The state to enter when the preload that runs now succeeds.</summary>
        [Id(9)] public CampaignState? AfterPreload { get; set; }
        /// <summary>The simulator driving this campaign, so it can resume after a restart.</summary>
        [Id(10)] public SimulationSettings? Simulation { get; set; }
    }

    private Guid CampaignId => this.GetPrimaryKey(out _);
    private Guid TenantId { get { this.GetPrimaryKey(out var t); return Guid.Parse(t!); } }
    private bool Live => state.State.Exists && !state.State.Deleted;
    private Task? _preload;
    private SimulationRun? _simulation;

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        if (!Live) return;
        // Work cut off by a dead silo resumes here: a preload is one transaction, so running it again is safe.
        if (state.State.PreloadRunning) StartPreload();
        if (state.State.Current == CampaignState.Running && state.State.Simulation is { } sim) StartSimulation(sim);
        await Task.CompletedTask;
    }

    public async Task<CampaignInfo> CreateAsync(CampaignDefinition d)
    {
        if (state.State.Exists) throw new InvalidOperationException($"Campaign {CampaignId} already exists");
        await store.CreateAsync(TenantId, CampaignId, d.Name, d.ContactLists.Select(l => l.Id).ToList(), Core.Compliance.Channels.ToWire(d.Channel), CancellationToken.None);
        var now = clock.GetUtcNow();
        state.State = new State { Exists = true, Definition = d, Current = CampaignState.Draft, CreatedAt = now, StateChangedAt = now };
        await state.WriteStateAsync();
        return Info();
    }

    public Task<CampaignInfo?> GetAsync() => Task.FromResult(Live ? Info() : null);

    public async Task<CampaignInfo?> UpdateAsync(CampaignDefinition d)
    {
        if (!Live) return null;
        if (state.State.Current is CampaignState.Preloading or CampaignState.Stopping || state.State.PreloadRunning)
            throw Refused($"The campaign cannot be changed while it is {Describe()}; wait for it to finish.");
        await store.UpdateAsync(TenantId, CampaignId, d.Name, d.ContactLists.Select(l => l.Id).ToList(), Core.Compliance.Channels.ToWire(d.Channel), CancellationToken.None);
        state.State.Definition = d;
        await state.WriteStateAsync();
        return Info();
    }

    public async Task<bool> DeleteAsync()
    {
        if (!Live) return false;
        if (state.State.Current is CampaignState.Running or CampaignState.Paused or CampaignState.Stopping or CampaignState.Preloading || state.State.PreloadRunning)
            throw Refused($"A campaign that is {Describe()} cannot be deleted; stop it first.");
        await store.DeleteAsync(TenantId, CampaignId, CancellationToken.None);
        state.State.Deleted = true;
        await state.WriteStateAsync();
        await StopKeepAliveAsync();
        return true;
    }

    public async Task<CampaignInfo> ActAsync(CampaignAction action)
    {
        if (!Live) throw new KeyNotFoundException($"No campaign {CampaignId}");
        var s = state.State;
        if (action == CampaignAction.Preload && s.PreloadRunning)
            throw Refused("A preload of this campaign is already running; wait for it to finish (GET the campaign to see when).");
        if (!CampaignStateMachine.Allows(s.Current, action))
            throw Refused($"Cannot {action.ToWire()} a campaign that is {s.Current.ToWire()}; " +
                $"{action.ToWire()} is allowed from {string.Join(", ", CampaignStateMachine.AllowedFrom(action).Select(x => x.ToWire()))}.");

        switch (action)
        {
            case CampaignAction.Preload:
                await CheckListsAsync();
                if (s.Current is CampaignState.Running or CampaignState.Paused) s.AfterPreload = s.Current;
                else { s.AfterPreload = CampaignState.Ready; await SetAsync(CampaignState.Preloading, null, write: false); }
                s.PreloadRunning = true;
                await state.WriteStateAsync();
                StartPreload();
                break;
            case CampaignAction.Start or CampaignAction.StartPaused:
                await CheckListsAsync();
                var target = action == CampaignAction.Start ? CampaignState.Running : CampaignState.Paused;
                if (s.Current == CampaignState.Ready) await SetAsync(target, null);
                else
                {
                    // From draft, stopped or completed the calling list is (re)built first.
                    s.AfterPreload = target;
                    s.PreloadRunning = true;
                    await SetAsync(CampaignState.Preloading, null);
                    StartPreload();
                }
                break;
            case CampaignAction.Pause:
                await SetAsync(CampaignState.Paused, null);
                break;
            case CampaignAction.Resume:
                await SetAsync(CampaignState.Running, null);
                break;
            case CampaignAction.Stop:
                StopSimulation("the campaign was stopped");
                var (_, leased) = await callingList.PendingAsync(CampaignId, clock.GetUtcNow(), CancellationToken.None);
                await SetAsync(leased > 0 ? CampaignState.Stopping : CampaignState.Stopped, leased > 0 ? $"waiting for {leased} leased records" : null);
                break;
            case CampaignAction.ForceStop:
                StopSimulation("the campaign was force-stopped");
                await callingList.ReleaseAllLeasesAsync(TenantId, CampaignId, clock.GetUtcNow(), CancellationToken.None);
                s.PreloadRunning = false;
                s.AfterPreload = null;
                await SetAsync(CampaignState.Stopped, "force-stopped: outstanding leases were released");
                break;
        }
        await KeepAliveAsync();
        return Info();
    }

    public async Task CheckCompletedAsync()
    {
        if (!Live) return;
        var s = state.State;
        if (s.Current is not (CampaignState.Running or CampaignState.Stopping) || s.PreloadRunning) return;
        var (ready, leased) = await callingList.PendingAsync(CampaignId, clock.GetUtcNow(), CancellationToken.None);
        if (s.Current == CampaignState.Stopping && leased == 0) await SetAsync(CampaignState.Stopped, null);
        else if (s.Current == CampaignState.Running && ready == 0 && leased == 0)
        {
            StopSimulation("nothing is left to dial");
            await SetAsync(CampaignState.Completed, "every record was dialed to a final result or left out");
        }
        await KeepAliveAsync();
    }

    public async Task SimulateAsync(SimulationSettings settings)
    {
        if (!Live) throw new KeyNotFoundException($"No campaign {CampaignId}");
        if (state.State.Current != CampaignState.Running)
            throw Refused($"The simulator dials a running campaign; this one is {Describe()}. Start it first.");
        state.State.Simulation = settings;
        await state.WriteStateAsync();
        StartSimulation(settings);
    }

    public Task<SimulationReport?> SimulationAsync() => Task.FromResult(_simulation?.Report());

    public async Task ReceiveReminder(string reminderName, Orleans.Runtime.TickStatus status)
    {
        // Being called is the point: activation resumed any cut-off work. Settle stopping and completion here too.
        await CheckCompletedAsync();
        await KeepAliveAsync();
    }

    private void StartPreload()
    {
        if (_preload is { IsCompleted: false }) return;
        _preload = RunPreloadAsync();
    }

    /// <summary>
    /// Runs the preload; one that PostgreSQL cut off runs again once it answers (it is one transaction, so nothing of the
    /// cut-off one stays), up to <see cref="PreloadAttempts"/> times, and then fails with the reason. Its outcome is
    /// written, history row and state, however long PostgreSQL is away: a campaign is never left preloading.
    /// </summary>
    private async Task RunPreloadAsync()
    {
        var s = state.State;
        PreloadSummary summary;
        var started = 0;
        var pause = TimeSpan.FromSeconds(1);
        while (true)
        {
            var (outcome, began, failure) = await PreloadOnceAsync(started + 1 < PreloadAttempts);
            summary = outcome;
            if (began) started++;
            var again = failure is not null && Outage.IsDatabase(failure) && started < PreloadAttempts && Live && s.PreloadRunning;
            if (!again) break;
            log.LogWarning("Preload of campaign {Campaign} was cut off by PostgreSQL ({Error}); it runs again in {Seconds} s", CampaignId, failure!.Message,
                pause.TotalSeconds);
            await Task.Delay(pause);
            pause = TimeSpan.FromSeconds(Math.Min(pause.TotalSeconds * 2, MaxOutagePause.TotalSeconds));
        }
        if (!Live || !s.PreloadRunning) return; // deleted or force-stopped meanwhile
        s.LastPreload = summary;
        s.PreloadRunning = false;
        var next = summary.Error is null ? s.AfterPreload ?? CampaignState.Ready
            : s.Current == CampaignState.Preloading ? CampaignState.Draft : s.Current;
        s.AfterPreload = null;
        await UntilSavedAsync("its new state", () => SetAsync(next, summary.Error is null ? null : $"preload failed: {summary.Error}"));
        try { await KeepAliveAsync(); }
        catch (Exception e) when (Outage.Of(e) is not null)
        {
            // The reminder registered for the preload stays; its next tick settles it.
            log.LogWarning("Campaign {Campaign}: its reminder could not be updated after the preload ({Error})", CampaignId, e.Message);
        }
    }

    /// <summary>
    /// One try: its history row is opened, the SQL runs, and the row is closed with the outcome (as "interrupted" when
    /// another try follows a database failure). Began is false when PostgreSQL could not even open the row.
    /// </summary>
    private async Task<(PreloadSummary Summary, bool Began, Exception? Failure)> PreloadOnceAsync(bool mayRunAgain)
    {
        var s = state.State;
        PreloadSummary summary;
        Exception? failure = null;
        Guid? recorded = null;
        try
        {
            recorded = await history.BeginAsync(TenantId, CampaignId, CancellationToken.None);
            var d = s.Definition!;
            // The list's default country, else the tenant's: what a device without a country of its own (an email
            // address of a contact with no address and no phone) is placed in, as imports and validate place it.
            var tenantCountry = (await GrainFactory.GetGrain<Core.Tenancy.ITenantGrain>(TenantId).GetSettingsAsync()).DefaultCountry;
            var countries = new List<string?>();
            foreach (var l in d.ContactLists)
                countries.Add((await GrainFactory.GetGrain<IContactListGrain>(l.Id, TenantId.ToString()).GetAsync())?.DefaultCountry ?? tenantCountry);
            var rules = await ruleSets.EvaluatorAsync(TenantId, d.RuleSetId, CancellationToken.None)
                ?? throw new InvalidOperationException($"the rule set \"{d.RuleSetId}\" does not exist");
            var lists = await suppression.ListsForCampaignAsync(TenantId, CampaignId, CancellationToken.None);
            summary = await preload.RunAsync(new PreloadQuery.Plan(TenantId, CampaignId, d, countries, lists.Union(d.SuppressionLists).ToList(), rules,
                clock.GetUtcNow()), CancellationToken.None);
        }
        catch (Exception e)
        {
            failure = e;
            log.LogError(e, "Preload of campaign {Campaign} failed", CampaignId);
            var now = clock.GetUtcNow();
            var error = mayRunAgain && Outage.IsDatabase(e) ? $"interrupted ({e.Message}); the preload runs again" : e.Message;
            summary = new PreloadSummary(now, now, 0, 0, new Dictionary<string, long>(), false, error);
        }
        if (recorded is { } id)
        {
            try { await UntilSavedAsync("its history row", () => history.FinishAsync(TenantId, id, summary, CancellationToken.None)); }
            catch (Exception e) { log.LogWarning(e, "Preload of campaign {Campaign}: its history row could not be closed", CampaignId); }
        }
        return (summary, recorded is not null, failure);
    }

    /// <summary>Writes that close a preload, tried again while PostgreSQL is away: left undone, they would show it running forever.</summary>
    private async Task UntilSavedAsync(string what, Func<Task> write)
    {
        var pause = TimeSpan.FromSeconds(1);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (Exception e) when (Outage.IsDatabase(e) && Live)
            {
                if (attempt == 1) log.LogWarning("Campaign {Campaign}: {What} waits for PostgreSQL ({Error})", CampaignId, what, e.Message);
                await Task.Delay(pause);
                pause = TimeSpan.FromSeconds(Math.Min(pause.TotalSeconds * 2, MaxOutagePause.TotalSeconds));
            }
        }
    }

    private void StartSimulation(SimulationSettings settings)
    {
        _simulation?.Stop("replaced by a new simulation");
        _simulation = simulator.Start(TenantId, CampaignId, state.State.Definition!, settings);
        DelayDeactivation(TimeSpan.FromDays(1));
    }

    private void StopSimulation(string why)
    {
        _simulation?.Stop(why);
        state.State.Simulation = null;
    }

    /// <summary>Lists must exist (and not be deleted) before a preload or a start; otherwise nothing changes.</summary>
    private async Task CheckListsAsync()
    {
        var d = state.State.Definition!;
        if (d.ContactLists.Count == 0)
            throw Refused("The campaign has no contact lists; add at least one (PUT the campaign with contactLists) before preloading or starting it.");
        foreach (var l in d.ContactLists)
            if (await GrainFactory.GetGrain<IContactListGrain>(l.Id, TenantId.ToString()).GetAsync() is null)
                throw Refused($"Contact list {l.Id} of this campaign does not exist or was deleted; remove it from the campaign or restore it.");
    }

    private async Task SetAsync(CampaignState next, string? reason, bool write = true)
    {
        var s = state.State;
        if (s.Current != next) s.StateChangedAt = clock.GetUtcNow();
        s.Current = next;
        s.StateReason = reason;
        if (next != CampaignState.Running) _simulation?.Stop($"the campaign is {next.ToWire()}");
        if (!write) return;
        await state.WriteStateAsync();
        await store.SetStateAsync(TenantId, CampaignId, next.ToWire(), CancellationToken.None);
    }

    /// <summary>While there is work to resume after a crash, a reminder keeps the grain coming back.</summary>
    private async Task KeepAliveAsync()
    {
        var s = state.State;
        var needed = Live && (s.PreloadRunning || s.Current is CampaignState.Running or CampaignState.Stopping or CampaignState.Preloading);
        if (needed) await this.RegisterOrUpdateReminder(KeepAlive, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        else await StopKeepAliveAsync();
    }

    private async Task StopKeepAliveAsync()
    {
        if (await this.GetReminder(KeepAlive) is { } r) await this.UnregisterReminder(r);
    }

    private string Describe() => state.State.PreloadRunning && state.State.Current != CampaignState.Preloading
        ? $"{state.State.Current.ToWire()} and preloading" : state.State.Current.ToWire();

    private CampaignActionRefusedException Refused(string message) => new(message) { State = state.State.Current };

    private CampaignInfo Info()
    {
        var s = state.State;
        return new CampaignInfo(CampaignId, TenantId, s.Current, s.Definition!, s.CreatedAt, s.StateChangedAt, s.LastPreload,
            s.PreloadRunning && s.Current != CampaignState.Preloading ? "re-preloading" : s.StateReason);
    }
}

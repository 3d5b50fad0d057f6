using CxContact.Core.Campaigns;
using CxContact.Core.Compliance;
using CxContact.Core.Dialing;
using CxContact.Server.CallingList;

namespace CxContact.Server.Dialing;

/// <summary>
/// One simulated dialer driving one campaign through the pull API. Time is simulated: each real tick advances the
/// simulated clock by tick × Speed. Agents take connected calls for a talk time drawn around TalkSeconds plus wrap-up;
/// a connected call that finds no free agent is abandoned. Pacing: progressive and preview dial one line per free
/// agent; power a fixed 1.5; agentless one line per port (agent); predictive adapts its ratio to keep abandonment
/// over the legal window (30 days FCC, 24 h Ofcom, simulated) at or under the target.
/// </summary>
public sealed class SimulationRun
{
    private readonly TimeSpan _tick;
    /// <summary>Result batches out at once: a tick's results go in batches, as a dialer reports after each pacing step.</summary>
    private const int MaxBatchesInFlight = 8;

    private readonly IDialerPort _port;
    private readonly SimulationSettings _s;
    private readonly DialingMode _mode;
    private readonly double _target;
    private readonly Random _random;
    private readonly CancellationTokenSource _stop = new();
    private readonly (CallResult Result, double Weight)[] _weights;
    private readonly double[] _agentBusyUntil;
    private readonly List<Call> _calls = [];
    private readonly HashSet<long> _inFlight = [];
    private readonly Queue<(double At, bool Abandoned)> _live = new();
    private readonly Dictionary<string, long> _results = new();
    private readonly object _gate = new();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private double _now, _busySeconds, _ratio = 1.0;
    private long _dialed, _connected, _abandoned, _leases, _doubleLeases, _roundTrips;
    private string? _stoppedBecause;

    private sealed record Call(Guid LeaseId, long RecordId, double ResolvesAt, CallResult Outcome);

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Records a lease handed out while the simulator still had them in a call: must stay zero.</summary>
    public long DoubleLeases => Interlocked.Read(ref _doubleLeases);

    /// <summary>Lease-and-result round trips completed (one per record dialed and resulted).</summary>
    public long RoundTrips => Interlocked.Read(ref _roundTrips);

    /// <param name="tick">How often the loop wakes (default 50 ms); the dial benchmark wakes it more often.</param>
    public SimulationRun(IDialerPort port, SimulationSettings settings, DialingMode mode, double abandonTarget, TimeSpan? tick = null)
    {
        _tick = tick ?? TimeSpan.FromMilliseconds(50);
        _port = port;
        _s = settings;
        _mode = mode;
        _target = settings.AbandonTarget ?? abandonTarget;
        _random = new Random(settings.Seed == 0 ? Environment.TickCount : settings.Seed);
        _agentBusyUntil = new double[settings.Agents];
        _weights = [.. settings.ResultWeights.Select(kv => (CallResults.TryParse(kv.Key, out var r) ? r : CallResult.NoAnswer, kv.Value))];
    }

    public SimulationRun Start()
    {
        Completion = Task.Run(() => RunAsync(_stop.Token));
        return this;
    }

    public void Stop(string why)
    {
        lock (_gate) _stoppedBecause ??= why;
        _stop.Cancel();
    }

    public SimulationReport Report()
    {
        lock (_gate)
        {
            var elapsed = Math.Max(_now, 1e-9);
            var (abandoned, live) = WindowTotals();
            return new SimulationReport
            {
                StartedAt = _started, Running = !Completion.IsCompleted, SimulatedSeconds = Math.Round(_now, 1), Dialed = _dialed,
                Connected = _connected, Abandoned = _abandoned, AbandonRate = live == 0 ? 0 : Math.Round((double)abandoned / live, 5),
                DialRatio = Math.Round(_ratio, 3), AgentUtilisation = Math.Round(Math.Min(1, _busySeconds / (_s.Agents * elapsed)), 4),
                ContactsPerHour = Math.Round(_connected / elapsed * 3600, 1), Results = new Dictionary<string, long>(_results),
                StoppedBecause = _stoppedBecause, Pacing = _mode.ToWire(), Leases = _leases,
            };
        }
    }

    private async Task RunAsync(CancellationToken ct)
    {
        var results = new SemaphoreSlim(MaxBatchesInFlight);
        var pending = new List<Task>();
        var lastReal = DateTimeOffset.UtcNow;
        var idleSince = (DateTimeOffset?)null;
        var nextStateCheck = DateTimeOffset.UtcNow;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var real = DateTimeOffset.UtcNow;
                var step = (real - lastReal).TotalSeconds * _s.Speed;
                lastReal = real;
                List<Call> resolved;
                lock (_gate)
                {
                    _now += step;
                    resolved = _calls.Where(c => c.ResolvesAt <= _now).ToList();
                    _calls.RemoveAll(c => c.ResolvesAt <= _now);
                }
                var outcomes = resolved.Select(call => (Call: call, Result: Connect(call))).ToList();
                foreach (var chunk in outcomes.Chunk(ResultRecorder.MaxBatch))
                {
                    await results.WaitAsync(ct);
                    pending.Add(ReportAsync(chunk, results, ct));
                }
                pending.RemoveAll(t => t.IsCompleted);

                if (_s.DurationSeconds is { } d && _now >= d) { Stop($"the simulated duration of {d} s was reached"); break; }
                if (real >= nextStateCheck)
                {
                    nextStateCheck = real.AddSeconds(1);
                    if (!await _port.RunningAsync(ct)) { Stop("the campaign is no longer running"); break; }
                }

                var lines = LinesToDial();
                if (lines > 0)
                {
                    var (leaseId, records) = await _port.LeaseAsync(Math.Min(lines, LeaseService.MaxCount), ct);
                    lock (_gate)
                    {
                        if (records.Count > 0) _leases++;
                        foreach (var (recordId, _) in records)
                        {
                            if (!_inFlight.Add(recordId)) _doubleLeases++;
                            _dialed++;
                            _calls.Add(new Call(leaseId, recordId, _now + Draw(Math.Max(1, _s.RingSeconds)), Outcome()));
                        }
                    }
                    if (records.Count == 0 && _calls.Count == 0 && pending.Count == 0)
                    {
                        // Idle: perhaps complete (the campaign then stops running and this loop ends), else poll slower.
                        if (idleSince is null || real - idleSince > TimeSpan.FromSeconds(1)) { await _port.IdleAsync(ct); nextStateCheck = real; }
                        idleSince ??= real;
                        if (real - idleSince > TimeSpan.FromSeconds(2)) await Task.Delay(TimeSpan.FromSeconds(1), ct);
                    }
                    else idleSince = null;
                }
                await Task.Delay(_tick, ct);
            }
        }
        catch (OperationCanceledException) { }
        catch (Exception e) { Stop($"the simulator failed: {e.Message}"); }
        await Task.WhenAll(pending.Where(t => !t.IsCompleted)).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>A connected call needs a free agent now, or it is abandoned (agentless calls need none).</summary>
    private CallResult Connect(Call call)
    {
        lock (_gate)
        {
            var result = call.Outcome;
            if (result.IsConnected())
            {
                var agent = _mode == DialingMode.Agentless ? -1 : Array.FindIndex(_agentBusyUntil, t => t <= _now);
                if (agent < 0 && _mode != DialingMode.Agentless)
                {
                    result = CallResult.Abandoned;
                    _abandoned++;
                    _live.Enqueue((_now, true));
                }
                else
                {
                    _connected++;
                    _live.Enqueue((_now, false));
                    if (agent >= 0)
                    {
                        var busy = Draw(_s.TalkSeconds) + _s.WrapSeconds;
                        _agentBusyUntil[agent] = _now + busy;
                        _busySeconds += busy;
                    }
                }
                Adapt();
            }
            _results[result.ToWire()] = _results.GetValueOrDefault(result.ToWire()) + 1;
            return result;
        }
    }

    private async Task ReportAsync((Call Call, CallResult Result)[] chunk, SemaphoreSlim gate, CancellationToken ct)
    {
        try
        {
            var now = DateTimeOffset.UtcNow;
            var refused = await _port.ReportAsync([.. chunk.Select(c => new DialerResult(c.Call.LeaseId, c.Call.RecordId, c.Result, now,
                c.Result == CallResult.CallbackRequested ? now.AddHours(1) : null))], ct);
            Interlocked.Add(ref _roundTrips, chunk.Length - refused);
        }
        catch (OperationCanceledException) { }
        finally
        {
            lock (_gate) foreach (var c in chunk) _inFlight.Remove(c.Call.RecordId);
            gate.Release();
        }
    }

    private int LinesToDial()
    {
        lock (_gate)
        {
            var free = _agentBusyUntil.Count(t => t <= _now);
            var wanted = _mode switch
            {
                DialingMode.Predictive => (int)Math.Floor(free * _ratio),
                DialingMode.Power => (int)Math.Floor(free * 1.5),
                DialingMode.Agentless => _s.Agents,
                _ => free,
            };
            return Math.Max(0, wanted - _calls.Count);
        }
    }

    /// <summary>Predictive pacing: back off fast when over the target, creep up when well under it.</summary>
    private void Adapt()
    {
        if (_mode != DialingMode.Predictive) return;
        var (abandoned, live) = WindowTotals();
        if (live < 20) { _ratio = Math.Min(_ratio + 0.01, 1.5); return; }
        var rate = (double)abandoned / live;
        if (rate > _target) _ratio = Math.Max(1.0, _ratio - 0.05);
        else if (rate < _target * 0.7) _ratio = Math.Min(3.0, _ratio + 0.01);
    }

    /// <summary>Abandoned and live-answered calls within the regime's window of simulated time.</summary>
    private (long Abandoned, long Live) WindowTotals()
    {
        var window = _s.Regime == "ofcom" ? 24 * 3600.0 : 30 * 24 * 3600.0;
        while (_live.Count > 0 && _live.Peek().At < _now - window) _live.Dequeue();
        long abandoned = 0;
        foreach (var (_, a) in _live) if (a) abandoned++;
        return (abandoned, _live.Count);
    }

    private CallResult Outcome()
    {
        var total = _weights.Sum(w => w.Weight);
        var x = _random.NextDouble() * total;
        foreach (var (r, w) in _weights)
        {
            if (x < w) return r;
            x -= w;
        }
        return _weights[^1].Result;
    }

    /// <summary>A duration around the mean, exponential-ish but never below a fifth of it.</summary>
    private double Draw(double mean) => mean * (0.2 + 0.8 * -Math.Log(1 - _random.NextDouble()));
}

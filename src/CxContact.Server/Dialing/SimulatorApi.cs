using CxContact.Core.Campaigns;
using CxContact.Core.Dialing;
using CxContact.Server.Api;
using CxContact.Server.Campaigns;
using CxContact.Server.Platform.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CxContact.Server.Dialing;

/// <summary>The built-in dialer simulator under /api/v1/campaigns/{id}: POST simulate, GET simulation.</summary>
public static class SimulatorApi
{
    public sealed record SimulateRequest(int? Agents, double? TalkSeconds, double? WrapSeconds, double? RingSeconds, double? Speed,
        Dictionary<string, double>? ResultWeights, double? AbandonTarget, string? Regime, double? DurationSeconds, int? Seed);

    public static void MapSimulatorApi(this RouteGroupBuilder v1)
    {
        var g = v1.MapGroup("/campaigns").WithTags("Dialing");

        g.MapPost("/{id:guid}/simulate", async Task<Results<Accepted<SimulationSettings>, ValidationProblem, ProblemHttpResult>> (
            Guid id, SimulateRequest? body, HttpContext http, IGrainFactory grains) =>
        {
            var errors = new FieldErrors();
            var s = Settings(body, errors);
            if (errors.Any) return errors.ToProblem();
            var grain = grains.Campaign(Caller.From(http.User), id);
            if (await grain.GetAsync() is null) return CampaignsApi.NoSuchCampaign(id);
            try { await grain.SimulateAsync(s!); }
            catch (CampaignActionRefusedException e) { return CampaignsApi.Conflict(e); }
            return TypedResults.Accepted($"/api/v1/campaigns/{id}/simulation", s!);
        }).RequireAuthorization(Policies.TenantOperator).WithSummary("Drive a running campaign with the built-in dialer simulator");

        g.MapGet("/{id:guid}/simulation", async Task<Results<Ok<SimulationReport>, ProblemHttpResult>> (Guid id, HttpContext http, IGrainFactory grains) =>
        {
            var grain = grains.Campaign(Caller.From(http.User), id);
            if (await grain.GetAsync() is null) return CampaignsApi.NoSuchCampaign(id);
            return await grain.SimulationAsync() is { } report ? TypedResults.Ok(report)
                : TypedResults.Problem(statusCode: 404, title: "No simulation", detail: "No simulator has run on this campaign since it was last loaded; POST …/simulate starts one.");
        }).RequireAuthorization(Policies.TenantReader).WithSummary("The simulator's report: abandonment, agent utilisation, contacts per hour");
    }

    private static SimulationSettings? Settings(SimulateRequest? b, FieldErrors errors)
    {
        var d = new SimulationSettings();
        if (b is null) return d;
        if (b.Agents is < 1 or > 1000) errors.Add("agents", "must be between 1 and 1000");
        if (b.TalkSeconds is <= 0 or > 7200) errors.Add("talkSeconds", "must be more than 0 and at most 7200");
        if (b.WrapSeconds is < 0 or > 3600) errors.Add("wrapSeconds", "must be between 0 and 3600");
        if (b.RingSeconds is <= 0 or > 120) errors.Add("ringSeconds", "must be more than 0 and at most 120");
        if (b.Speed is < 1 or > 100_000) errors.Add("speed", "is how many times faster than real time the simulated clock runs: 1 to 100000");
        if (b.AbandonTarget is < 0 or > 0.5) errors.Add("abandonTarget", "is a fraction between 0 and 0.5");
        if (b.Regime is not (null or "fcc" or "ofcom")) errors.Add("regime", "use fcc (abandonment over 30 days) or ofcom (over 24 hours)");
        if (b.DurationSeconds is <= 0) errors.Add("durationSeconds", "must be positive (simulated seconds)");
        if (b.ResultWeights is { } w)
        {
            if (w.Count == 0 || w.Values.Sum() <= 0) errors.Add("resultWeights", "give at least one result with a positive weight");
            foreach (var (k, v) in w)
            {
                if (!CallResults.TryParse(k, out _)) errors.Add($"resultWeights.{k}", $"\"{k}\" is not a call result; use {string.Join(", ", CallResults.WireNames)}");
                if (v < 0 || double.IsNaN(v)) errors.Add($"resultWeights.{k}", "a weight cannot be negative");
            }
        }
        return d with
        {
            Agents = b.Agents ?? d.Agents, TalkSeconds = b.TalkSeconds ?? d.TalkSeconds, WrapSeconds = b.WrapSeconds ?? d.WrapSeconds,
            RingSeconds = b.RingSeconds ?? d.RingSeconds, Speed = b.Speed ?? d.Speed, ResultWeights = b.ResultWeights ?? d.ResultWeights,
            AbandonTarget = b.AbandonTarget, Regime = b.Regime ?? d.Regime, DurationSeconds = b.DurationSeconds, Seed = b.Seed ?? 0,
        };
    }
}

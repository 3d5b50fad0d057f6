using CxContact.Core.Compliance;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace CxContact.Core.Tests.Compliance;

/// <summary>Rule sets, inputs and decisions cross grain boundaries, so they must survive the Orleans serializer.</summary>
public sealed class SerializationTests
{
    private static readonly Serializer Serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    private static T RoundTrip<T>(T value) where T : notnull => Serializer.Deserialize<T>(Serializer.SerializeToArray(value))!;

    [Fact]
    public void The_default_rule_set_round_trips()
    {
        var copy = RoundTrip(RuleSets.Default);

        Assert.Equal(RuleSets.ToJson(RuleSets.Default), RuleSets.ToJson(copy));
    }

    [Fact]
    public void Inputs_and_decisions_round_trip()
    {
        var input = Inputs.Voice("2026-06-09T21:30:00-04:00", region: "FL") with
        {
            PhoneAttempts = Inputs.Attempts("2026-06-09T09:00:00-04:00"),
            AutodialMobileConsent = true,
        };
        var evaluator = EngineRules.Evaluator;
        var decision = evaluator.Evaluate(RoundTrip(input));
        var copy = RoundTrip(decision);

        Assert.Equal(decision.Allowed, copy.Allowed);
        Assert.Equal(decision.Reasons, copy.Reasons);
        Assert.Equal(decision.NextAllowedAt, copy.NextAllowedAt);
        Assert.Equal(decision.TimeZones, copy.TimeZones);
        Assert.Equal(2, copy.Reasons.Count);

        var unavailable = RoundTrip(ComplianceEvaluator.Unavailable("rule set unreadable", "x@1"));
        Assert.Equal(ComplianceEvaluator.ComplianceUnavailable, unavailable.Reasons.Single().Rule);
        Assert.True(RoundTrip(evaluator.Evaluate(input with { At = input.At.AddHours(-10) })).Allowed);
    }
}

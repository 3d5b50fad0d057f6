using System.Net.Sockets;
using CxContact.Server.Platform.Hosting;
using Npgsql;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using StackExchange.Redis;

namespace CxContact.Server.Tests.Platform;

/// <summary>
/// Which failures pass by themselves (503 with Retry-After, work waits and runs again) and which are bugs or refusals
/// (500, or the error they are): the classification the API and the background work share, as Npgsql, Orleans and
/// StackExchange.Redis raise them.
/// </summary>
public sealed class OutageTests
{
    public static TheoryData<string, Exception, bool?> Cases() => new()
    {
        { "a connection PostgreSQL refused", new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException(111)), true },
        { "a restart ending the session", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"), true },
        { "a server still starting", new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03"), true },
        { "too many connections", new PostgresException("sorry, too many clients already", "FATAL", "FATAL", "53300"), true },
        { "a grain whose storage write failed that way", new OrleansException("Error from storage provider", new PostgresException("x", "FATAL", "FATAL", "57P01")), true },
        { "a unique violation", new PostgresException("duplicate key value", "ERROR", "ERROR", "23505"), null },
        { "a syntax error", new PostgresException("syntax error", "ERROR", "ERROR", "42601"), null },
        { "a silo declared dead", new SiloUnavailableException("silo S is dead"), false },
        { "a connection to a silo refused", new ConnectionFailedException("unable to connect"), false },
        { "a grain call without an answer", new TimeoutException("Response did not arrive on time"), false },
        { "Redis not answering", new RedisTimeoutException(CommandFlags.None, "Timeout awaiting response", CommandStatus.Unknown), false },
        { "one of several", new AggregateException(new InvalidOperationException("a"), new SiloUnavailableException()), false },
        { "a bug", new InvalidOperationException("Sequence contains no elements"), null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Failures_that_pass_by_themselves_are_outages_and_nothing_else_is(string what, Exception failure, bool? database)
    {
        var outage = Outage.Of(failure);
        Assert.True(database == outage?.Database, $"{what}: expected {(database is null ? "no outage" : database.Value ? "a database outage" : "an outage")}, got {outage}");
        if (outage is not null) Assert.True(outage.RetryAfter > TimeSpan.Zero);
    }
}

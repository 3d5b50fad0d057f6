using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CxContact.Core.Compliance;

namespace CxContact.Server.Compliance;

/// <summary>
/// Encodes audit rows as PostgreSQL's binary COPY format for compliance_decisions, into one reusable buffer: the bytes
/// Npgsql's binary importer would send for the same values, without its per-field binding (measured: the importer,
/// one <see cref="Guid.CreateVersion7()"/> and one JSON string per row cost the server more than deciding the rows).
/// <para>
/// Each distinct decision (the decider shares one between the attempts that met the same rules at the same instant)
/// is encoded once per buffer and copied for the next rows that carry it. Instants are stored as the instant they
/// are, whatever offset the caller gave them (Npgsql refuses a non-zero offset, which stopped the audit writer).
/// Not thread-safe: the audit writer owns one.
/// </para>
/// </summary>
internal sealed class AuditCopyEncoder : IBufferWriter<byte>
{
    public const string Copy =
        "COPY compliance_decisions (tenant_id, decision_id, at, decided_at, subject, allowed, rules, rule_set, input, decision) FROM STDIN (FORMAT BINARY)";

    private const short Fields = 10;
    private const uint TextOid = 25;
    private const long PostgresEpochTicks = 630822816000000000L; // 2000-01-01T00:00:00Z
    private static ReadOnlySpan<byte> Signature => [(byte)'P', (byte)'G', (byte)'C', (byte)'O', (byte)'P', (byte)'Y', (byte)'\n', 0xFF, (byte)'\r', (byte)'\n', 0];

    private byte[] _buffer = new byte[1 << 16];
    private int _length;
    private byte[] _random = new byte[10 * 1024];
    private readonly Utf8JsonWriter _json;
    private readonly Dictionary<Decision, (int Start, int Length, int JsonStart, int JsonLength)> _decisions = new(ReferenceEqualityComparer.Instance);

    // The writer options JsonSerializer.Serialize(value, AuditJsonContext...) would use, so the JSON is the same.
    public AuditCopyEncoder() => _json = new Utf8JsonWriter(this, new JsonWriterOptions { Encoder = AuditJsonContext.Default.Options.Encoder, SkipValidation = true });

    /// <summary>The encoded rows of the last <see cref="Encode"/>.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    /// <summary>Encodes every row of <paramref name="batches"/>: header, rows, trailer, replacing what was there.</summary>
    public ReadOnlyMemory<byte> Encode(IReadOnlyList<DecisionAudit.Rows> batches, DateTimeOffset now)
    {
        _length = 0;
        _decisions.Clear();
        var rows = 0;
        foreach (var b in batches) rows += b.Count;
        if (_random.Length < rows * 10) _random = new byte[rows * 10];
        RandomNumberGenerator.Fill(_random.AsSpan(0, rows * 10));
        var unixMs = now.ToUnixTimeMilliseconds();

        Write(Signature);
        WriteInt32(0); // flags
        WriteInt32(0); // header extension
        var row = 0;
        Span<byte> tenant = stackalloc byte[16];
        foreach (var b in batches)
        {
            b.TenantId.TryWriteBytes(tenant, bigEndian: true, out _);
            var decidedAt = Timestamp(b.DecidedAt);
            for (var i = 0; i < b.Count; i++, row++)
            {
                var input = b.Inputs[i];
                var decision = b.Decisions[i];
                WriteInt16(Fields);
                WriteInt32(16);
                Write(tenant);
                WriteInt32(16);
                WriteUuidV7(unixMs, _random.AsSpan(row * 10, 10));
                WriteInt32(8);
                WriteInt64(Timestamp(input.At));
                WriteInt32(8);
                WriteInt64(decidedAt);
                WriteText(input.Subject);
                // allowed, rules and rule_set: encoded once per distinct decision, like its JSON.
                if (_decisions.TryGetValue(decision, out var known))
                {
                    Repeat(known.Start, known.Length);
                    WriteJson(input, AuditJsonContext.Default.PreparedAttempt);
                    Repeat(known.JsonStart, known.JsonLength);
                }
                else
                {
                    var start = _length;
                    WriteInt32(1);
                    WriteByte(decision.Allowed ? (byte)1 : (byte)0);
                    WriteRules(decision.Reasons);
                    WriteText(decision.RuleSetVersion);
                    var length = _length - start;
                    WriteJson(input, AuditJsonContext.Default.PreparedAttempt);
                    var jsonStart = _length;
                    WriteJson(decision, AuditJsonContext.Default.Decision);
                    _decisions[decision] = (start, length, jsonStart, _length - jsonStart);
                }
            }
        }
        WriteInt16(-1); // trailer
        _decisions.Clear();
        return Written;
    }

    /// <summary>Npgsql's timestamptz encoding (microseconds since 2000, truncated; the extremes are ±infinity), of the instant.</summary>
    internal static long Timestamp(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        if (ticks == DateTime.MaxValue.Ticks) return long.MaxValue;
        if (ticks == DateTime.MinValue.Ticks) return long.MinValue;
        return (ticks - PostgresEpochTicks) / 10;
    }

    /// <summary>RFC 9562 version 7: 48 bits of Unix milliseconds, then 74 random bits, in network order.</summary>
    private void WriteUuidV7(long unixMs, ReadOnlySpan<byte> random)
    {
        var s = Reserve(16);
        s[0] = (byte)(unixMs >> 40);
        s[1] = (byte)(unixMs >> 32);
        s[2] = (byte)(unixMs >> 24);
        s[3] = (byte)(unixMs >> 16);
        s[4] = (byte)(unixMs >> 8);
        s[5] = (byte)unixMs;
        s[6] = (byte)(0x70 | (random[0] & 0x0F));
        s[7] = random[1];
        s[8] = (byte)(0x80 | (random[2] & 0x3F));
        random[3..10].CopyTo(s[9..]);
        _length += 16;
    }

    /// <summary>text[] of the distinct rule ids in order (Npgsql's one-dimensional array, lower bound 1).</summary>
    private void WriteRules(IReadOnlyList<DecisionReason> reasons)
    {
        var lengthAt = _length;
        WriteInt32(0);
        var count = 0;
        for (var i = 0; i < reasons.Count; i++)
            if (FirstOf(reasons, i)) count++;
        WriteInt32(1); // dimensions
        WriteInt32(0); // flags: no nulls
        WriteInt32(unchecked((int)TextOid));
        WriteInt32(count);
        WriteInt32(1); // lower bound
        for (var i = 0; i < reasons.Count; i++)
            if (FirstOf(reasons, i)) WriteText(reasons[i].Rule);
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(lengthAt), _length - lengthAt - 4);

        static bool FirstOf(IReadOnlyList<DecisionReason> reasons, int i)
        {
            for (var j = 0; j < i; j++)
                if (string.Equals(reasons[j].Rule, reasons[i].Rule, StringComparison.Ordinal)) return false;
            return true;
        }
    }

    private void WriteJson<T>(T value, JsonTypeInfo<T> type)
    {
        var lengthAt = _length;
        WriteInt32(0);
        _json.Reset(this);
        JsonSerializer.Serialize(_json, value, type);
        _json.Flush();
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(lengthAt), _length - lengthAt - 4);
    }

    private void WriteText(string value)
    {
        var s = Reserve(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var n = Encoding.UTF8.GetBytes(value, s[4..]);
        BinaryPrimitives.WriteInt32BigEndian(s, n);
        _length += 4 + n;
    }

    private void Repeat(int start, int length)
    {
        Reserve(length);
        _buffer.AsSpan(start, length).CopyTo(_buffer.AsSpan(_length));
        _length += length;
    }

    private void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Reserve(bytes.Length));
        _length += bytes.Length;
    }

    private void WriteByte(byte value)
    {
        Reserve(1)[0] = value;
        _length++;
    }

    private void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16BigEndian(Reserve(2), value);
        _length += 2;
    }

    private void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(Reserve(4), value);
        _length += 4;
    }

    private void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(Reserve(8), value);
        _length += 8;
    }

    private Span<byte> Reserve(int size)
    {
        if (_buffer.Length - _length < size) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + size));
        return _buffer.AsSpan(_length);
    }

    void IBufferWriter<byte>.Advance(int count) => _length += count;

    Memory<byte> IBufferWriter<byte>.GetMemory(int sizeHint)
    {
        Reserve(Math.Max(sizeHint, 256));
        return _buffer.AsMemory(_length);
    }

    Span<byte> IBufferWriter<byte>.GetSpan(int sizeHint) => Reserve(Math.Max(sizeHint, 256));
}

using System.Globalization;

namespace CxContact.Server.Suppression;

/// <summary>
/// A large set of NANP numbers held per area code, for bulk loads: an import or a rebuild collects its plain entries
/// here instead of sending them one by one, then writes each area code's bitmap to Redis in one command and the
/// numbers to PostgreSQL already sorted and without duplicates. An area code holds its numbers as a list of offsets
/// (4 bytes a number) until the list would outgrow the area code's bitmap (1.25 MB), and as the bitmap from then on,
/// so even a national registry of hundreds of millions of numbers needs at most 1.25 MB per area code in use.
/// </summary>
public sealed class NanpNumbers
{
    /// <summary>Bits in one area code's bitmap: the seven digits after the area code.</summary>
    public const int BitmapBits = 10_000_000;
    public const int BitmapBytes = BitmapBits / 8;
    private const int MaxOffsets = BitmapBytes / sizeof(int);

    // Indexed by area code (0-999); null until the first number of that area code.
    private readonly AreaCode?[] _byNpa = new AreaCode?[1000];
    private bool _sealed;

    private sealed class AreaCode
    {
        public int[]? Offsets = new int[256];
        public byte[]? Bitmap;
        public int Count;

        public void Add(int offset)
        {
            if (Bitmap is not null)
            {
                Set(offset);
                return;
            }
            if (Count == MaxOffsets)
            {
                Bitmap = new byte[BitmapBytes];
                var offsets = Offsets!;
                Offsets = null;
                Count = 0;
                foreach (var o in offsets) Set(o);
                Set(offset);
                return;
            }
            if (Count == Offsets!.Length) Array.Resize(ref Offsets, Math.Min(Offsets.Length * 2, MaxOffsets));
            Offsets[Count++] = offset;
        }

        private void Set(int offset)
        {
            ref var b = ref Bitmap![offset >> 3];
            var mask = (byte)(0x80 >> (offset & 7));
            if ((b & mask) == 0) Count++;
            b |= mask;
        }

        public bool Clear(int offset)
        {
            ref var b = ref Bitmap![offset >> 3];
            var mask = (byte)(0x80 >> (offset & 7));
            if ((b & mask) == 0) return false;
            b &= (byte)~mask;
            Count--;
            return true;
        }
    }

    /// <summary>Adds a number given as E.164 ("+1" and ten digits, see <see cref="SuppressionIndex.IsNanp"/>).</summary>
    public void Add(string e164)
    {
        if (_sealed) throw new InvalidOperationException("The numbers were already sorted for writing.");
        var npa = (e164[2] - '0') * 100 + (e164[3] - '0') * 10 + (e164[4] - '0');
        (_byNpa[npa] ??= new AreaCode()).Add((int)SuppressionIndex.Offset(e164));
    }

    /// <summary>
    /// Sorts each area code's numbers, drops repeats and the numbers <paramref name="without"/> names (given as the
    /// ten national digits), and returns how many numbers are left. Nothing can be added afterwards.
    /// </summary>
    public long Seal(IReadOnlySet<long>? without = null)
    {
        _sealed = true;
        for (var npa = 0; npa < 1000; npa++)
        {
            if (_byNpa[npa] is not { } a) continue;
            if (a.Bitmap is not null)
            {
                if (without is not null)
                    foreach (var n in without)
                        if (n / 10_000_000 == npa) a.Clear((int)(n % 10_000_000));
            }
            else
            {
                var span = a.Offsets.AsSpan(0, a.Count);
                span.Sort();
                var kept = 0;
                for (var i = 0; i < span.Length; i++)
                {
                    if (kept > 0 && span[kept - 1] == span[i]) continue;
                    if (without is { Count: > 0 } && without.Contains(npa * 10_000_000L + span[i])) continue;
                    span[kept++] = span[i];
                }
                a.Count = kept;
            }
            if (a.Count == 0) _byNpa[npa] = null;
        }
        return Count;
    }

    public long Count
    {
        get
        {
            long n = 0;
            foreach (var a in _byNpa) n += a?.Count ?? 0;
            return n;
        }
    }

    /// <summary>The area codes that hold numbers, in order, as three digits.</summary>
    public IEnumerable<string> AreaCodes()
    {
        for (var npa = 0; npa < 1000; npa++)
            if (_byNpa[npa] is not null) yield return npa.ToString("000", CultureInfo.InvariantCulture);
    }

    /// <summary>An area code's offsets, in order once sealed.</summary>
    public IEnumerable<int> OffsetsOf(string npa) => Offsets(_byNpa[int.Parse(npa, CultureInfo.InvariantCulture)]);

    private static IEnumerable<int> Offsets(AreaCode? a)
    {
        if (a is null) yield break;
        if (a.Bitmap is null)
        {
            for (var i = 0; i < a.Count; i++) yield return a.Offsets![i];
            yield break;
        }
        for (var i = 0; i < BitmapBytes; i++)
        {
            var b = a.Bitmap[i];
            if (b == 0) continue;
            for (var bit = 0; bit < 8; bit++)
                if ((b & (0x80 >> bit)) != 0) yield return i * 8 + bit;
        }
    }

    /// <summary>
    /// Fills <paramref name="bitmap"/> (<see cref="BitmapBytes"/> long) with an area code's numbers, laid out as
    /// Redis SETBIT lays bits out: offset 0 is the most significant bit of the first byte.
    /// </summary>
    public void FillBitmap(string npa, byte[] bitmap)
    {
        var a = _byNpa[int.Parse(npa, CultureInfo.InvariantCulture)];
        if (a?.Bitmap is { } full)
        {
            full.CopyTo(bitmap, 0);
            return;
        }
        Array.Clear(bitmap);
        foreach (var offset in Offsets(a)) bitmap[offset >> 3] |= (byte)(0x80 >> (offset & 7));
    }

    /// <summary>Every number as E.164, sorted (area code, then the rest: the same order as the strings).</summary>
    public IEnumerable<string> E164s() => AreaCodes().SelectMany(E164sOf);

    /// <summary>An area code's numbers as E.164, in order once sealed.</summary>
    public IEnumerable<string> E164sOf(string npa)
    {
        var prefix = "+1" + npa;
        foreach (var offset in OffsetsOf(npa)) yield return prefix + offset.ToString("0000000", CultureInfo.InvariantCulture);
    }

    /// <summary>The ten national digits of a NANP E.164 number, as a number (the key of a set of numbers to leave out).</summary>
    public static long National(string e164) => long.Parse(e164.AsSpan(2), CultureInfo.InvariantCulture);
}

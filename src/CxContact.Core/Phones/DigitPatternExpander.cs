namespace CxContact.Core.Phones;

/// <summary>
/// Expands a libphonenumber number pattern into every sequence of digit classes it can match, so that the NANP
/// metadata can be checked structurally instead of by sampling numbers. Each class is a 10-bit mask (bit d set when
/// digit d is allowed). Only the regex subset the metadata uses is understood: digits, \d, [...] with ranges,
/// (?:...) and (...) groups, alternation, and the quantifiers ?, {n} and {n,m}. Anything else throws
/// <see cref="NotSupportedException"/>, so callers can fall back to not trusting the analysis.
/// </summary>
internal sealed class DigitPatternExpander
{
    public const ushort AnyDigit = 0x3FF;

    // The NANP patterns expand to a few hundred sequences each; the cap only stops a pathological pattern.
    private const int MaxSequences = 200_000;

    private readonly string _pattern;
    private readonly int _maxLength;
    private int _pos;

    private DigitPatternExpander(string pattern, int maxLength)
    {
        _pattern = pattern;
        _maxLength = maxLength;
    }

    /// <summary>All class sequences the pattern matches in full, dropping any longer than <paramref name="maxLength"/>.</summary>
    public static List<ushort[]> Expand(string pattern, int maxLength)
    {
        var expander = new DigitPatternExpander(pattern, maxLength);
        var result = expander.ParseAlternation();
        if (expander._pos != pattern.Length)
            throw expander.Unsupported();
        return result;
    }

    private List<ushort[]> ParseAlternation()
    {
        var result = ParseConcatenation();
        while (Peek() == '|')
        {
            _pos++;
            result.AddRange(ParseConcatenation());
            CheckSize(result.Count);
        }
        return result;
    }

    private List<ushort[]> ParseConcatenation()
    {
        List<ushort[]> result = [[]];
        while (_pos < _pattern.Length && Peek() is not ('|' or ')'))
        {
            var atom = ParseQuantified();
            result = Concatenate(result, atom);
        }
        return result;
    }

    private List<ushort[]> ParseQuantified()
    {
        var atom = ParseAtom();
        var (min, max) = ParseQuantifier();
        if (min == 1 && max == 1)
            return atom;

        var result = new List<ushort[]>();
        List<ushort[]> repeated = [[]];
        for (var n = 0; n <= max; n++)
        {
            if (n >= min)
                result.AddRange(repeated);
            if (n < max)
                repeated = Concatenate(repeated, atom);
        }
        CheckSize(result.Count);
        return result;
    }

    private (int Min, int Max) ParseQuantifier()
    {
        switch (Peek())
        {
            case '?':
                _pos++;
                return (0, 1);
            case '{':
                _pos++;
                var min = ParseInt();
                var max = min;
                if (Peek() == ',')
                {
                    _pos++;
                    max = ParseInt();
                }
                Expect('}');
                if (max < min)
                    throw Unsupported();
                return (min, max);
            case '*' or '+':
                throw Unsupported();
            default:
                return (1, 1);
        }
    }

    private List<ushort[]> ParseAtom()
    {
        var c = Next();
        switch (c)
        {
            case >= '0' and <= '9':
                return [[(ushort)(1 << (c - '0'))]];
            case '\\':
                if (Next() != 'd')
                    throw Unsupported();
                return [[AnyDigit]];
            case '[':
                return [[ParseClass()]];
            case '(':
                if (Peek() == '?')
                {
                    _pos++;
                    Expect(':');
                }
                var inner = ParseAlternation();
                Expect(')');
                return inner;
            default:
                throw Unsupported();
        }
    }

    private ushort ParseClass()
    {
        ushort mask = 0;
        if (Peek() == '^')
            throw Unsupported();
        while (Peek() != ']')
        {
            var from = Next();
            if (from == '\\')
            {
                if (Next() != 'd')
                    throw Unsupported();
                mask |= AnyDigit;
                continue;
            }
            var to = from;
            if (Peek() == '-')
            {
                _pos++;
                to = Next();
            }
            if (from is < '0' or > '9' || to is < '0' or > '9' || to < from)
                throw Unsupported();
            for (var d = from; d <= to; d++)
                mask |= (ushort)(1 << (d - '0'));
        }
        _pos++;
        return mask;
    }

    private List<ushort[]> Concatenate(List<ushort[]> left, List<ushort[]> right)
    {
        var result = new List<ushort[]>(left.Count * right.Count);
        foreach (var l in left)
        {
            foreach (var r in right)
            {
                if (l.Length + r.Length > _maxLength)
                    continue;
                var joined = new ushort[l.Length + r.Length];
                l.CopyTo(joined, 0);
                r.CopyTo(joined, l.Length);
                result.Add(joined);
            }
            CheckSize(result.Count);
        }
        return result;
    }

    private int ParseInt()
    {
        var start = _pos;
        while (_pos < _pattern.Length && char.IsAsciiDigit(_pattern[_pos]))
            _pos++;
        if (_pos == start)
            throw Unsupported();
        return int.Parse(_pattern.AsSpan(start, _pos - start), System.Globalization.CultureInfo.InvariantCulture);
    }

    private char Peek() => _pos < _pattern.Length ? _pattern[_pos] : '\0';

    private char Next() => _pos < _pattern.Length ? _pattern[_pos++] : throw Unsupported();

    private void Expect(char c)
    {
        if (Next() != c)
            throw Unsupported();
    }

    private static void CheckSize(int count)
    {
        if (count > MaxSequences)
            throw new NotSupportedException("Number pattern expands to too many digit sequences.");
    }

    private NotSupportedException Unsupported() =>
        new($"Unsupported construct at {_pos} in number pattern '{_pattern}'.");
}

import type { PasswordMessages } from './password-messages';

/** German, addressing the reader as „Sie“. */
export const de: PasswordMessages = {
  tooEasyToGuess: 'Das Passwort ist zu leicht zu erraten.',
  lengthOutOfRange: 'Das Passwort muss {min} bis {max} Zeichen lang sein',
  breached:
    'Dieses Passwort ist in bekannten Datenlecks aufgetaucht, daher probieren Angreifer es früh aus. Wählen Sie bitte ein anderes.',
  breachCheckUnavailable:
    'Das Passwort konnte gerade nicht mit bekannten Datenlecks abgeglichen werden. Versuchen Sie es in einem Moment erneut.',
  warnings: {
    straightRow: 'Gerade Tastenreihen auf der Tastatur sind leicht zu erraten.',
    keyPattern: 'Kurze Tastaturmuster sind leicht zu erraten.',
    simpleRepeat: 'Wiederholte Zeichen wie „aaa“ sind leicht zu erraten.',
    extendedRepeat: 'Wiederholte Zeichenmuster wie „abcabcabc“ sind leicht zu erraten.',
    sequences: 'Häufige Zeichenfolgen wie „abc“ sind leicht zu erraten.',
    recentYears: 'Jahreszahlen der letzten Jahre sind leicht zu erraten.',
    dates: 'Datumsangaben sind leicht zu erraten.',
    topTen: 'Dies ist ein sehr häufig verwendetes Passwort.',
    topHundred: 'Dies ist ein oft verwendetes Passwort.',
    common: 'Dies ist ein häufig verwendetes Passwort.',
    similarToCommon: 'Dies ähnelt einem häufig verwendeten Passwort.',
    wordByItself: 'Einzelne Wörter sind leicht zu erraten.',
    namesByThemselves: 'Einzelne Vor- oder Nachnamen sind leicht zu erraten.',
    commonNames: 'Häufige Vor- und Nachnamen sind leicht zu erraten.',
    userInputs: 'Es sollten keine persönlichen oder seitenbezogenen Daten enthalten sein.',
    pwned: 'Ihr Passwort wurde bei einem Datenleck im Internet offengelegt.',
  },
  suggestions: {
    l33t: 'Vermeiden Sie vorhersehbare Ersetzungen von Buchstaben wie „@“ für „a“.',
    reverseWords: 'Vermeiden Sie rückwärts geschriebene häufige Wörter.',
    allUppercase: 'Schreiben Sie einige, aber nicht alle Buchstaben groß.',
    capitalization: 'Schreiben Sie mehr als nur den ersten Buchstaben groß.',
    dates: 'Vermeiden Sie Daten und Jahreszahlen, die mit Ihnen in Verbindung stehen.',
    recentYears: 'Vermeiden Sie Jahreszahlen der letzten Jahre.',
    associatedYears: 'Vermeiden Sie Jahreszahlen, die mit Ihnen in Verbindung stehen.',
    sequences: 'Vermeiden Sie häufige Zeichenfolgen.',
    repeated: 'Vermeiden Sie wiederholte Wörter und Zeichen.',
    longerKeyboardPattern:
      'Verwenden Sie längere Tastaturmuster und ändern Sie mehrmals die Tipprichtung.',
    anotherWord: 'Fügen Sie weitere, weniger häufige Wörter hinzu.',
    useWords: 'Verwenden Sie mehrere Wörter, aber vermeiden Sie gängige Redewendungen.',
    noNeed: 'Sie können starke Passwörter auch ohne Symbole, Zahlen oder Großbuchstaben erstellen.',
    pwned: 'Wenn Sie dieses Passwort auch anderswo verwenden, sollten Sie es dort ändern.',
  },
};

import type { PasswordMessages } from './password-messages';

/**
 * French, addressing the reader as « vous ». Guillemets hold a no-break space (\u00a0) on their
 * inner side, as French typography asks, so a line never breaks inside them.
 */
export const fr: PasswordMessages = {
  tooEasyToGuess: 'Le mot de passe est trop facile à deviner.',
  lengthOutOfRange: 'Le mot de passe doit comporter entre {min} et {max} caractères',
  breached:
    'Ce mot de passe figure dans des fuites de données connues, les attaquants l’essaient donc en priorité. Choisissez-en un autre.',
  breachCheckUnavailable:
    'Le mot de passe n’a pas pu être vérifié auprès des fuites de données connues pour le moment. Réessayez dans un instant.',
  warnings: {
    straightRow: 'Les rangées de touches consécutives du clavier sont faciles à deviner.',
    keyPattern: 'Les motifs courts sur le clavier sont faciles à deviner.',
    simpleRepeat: 'Les caractères répétés comme «\u00a0aaa\u00a0» sont faciles à deviner.',
    extendedRepeat:
      'Les motifs de caractères répétés comme «\u00a0abcabcabc\u00a0» sont faciles à deviner.',
    sequences: 'Les suites de caractères courantes comme «\u00a0abc\u00a0» sont faciles à deviner.',
    recentYears: 'Les années récentes sont faciles à deviner.',
    dates: 'Les dates sont faciles à deviner.',
    topTen: 'Ce mot de passe est extrêmement utilisé.',
    topHundred: 'Ce mot de passe est très souvent utilisé.',
    common: 'Ce mot de passe est couramment utilisé.',
    similarToCommon: 'Ce mot de passe ressemble à un mot de passe couramment utilisé.',
    wordByItself: 'Les mots isolés sont faciles à deviner.',
    namesByThemselves: 'Les prénoms ou noms de famille seuls sont faciles à deviner.',
    commonNames: 'Les prénoms et noms de famille courants sont faciles à deviner.',
    userInputs: 'Il ne devrait y avoir aucune donnée personnelle ou liée à la page.',
    pwned: 'Votre mot de passe a été exposé lors d’une fuite de données sur Internet.',
  },
  suggestions: {
    l33t: 'Évitez les substitutions de lettres prévisibles comme «\u00a0@\u00a0» pour «\u00a0a\u00a0».',
    reverseWords: 'Évitez les mots courants écrits à l’envers.',
    allUppercase: 'Mettez quelques lettres en majuscules, mais pas toutes.',
    capitalization: 'Mettez en majuscule d’autres lettres que la première.',
    dates: 'Évitez les dates et les années qui vous sont associées.',
    recentYears: 'Évitez les années récentes.',
    associatedYears: 'Évitez les années qui vous sont associées.',
    sequences: 'Évitez les suites de caractères courantes.',
    repeated: 'Évitez les mots et les caractères répétés.',
    longerKeyboardPattern:
      'Utilisez des motifs de clavier plus longs et changez plusieurs fois de direction de frappe.',
    anotherWord: 'Ajoutez d’autres mots, moins courants.',
    useWords: 'Utilisez plusieurs mots, mais évitez les expressions courantes.',
    noNeed: 'Vous pouvez créer des mots de passe robustes sans symboles, chiffres ni majuscules.',
    pwned: 'Si vous utilisez ce mot de passe ailleurs, vous devriez le changer.',
  },
};

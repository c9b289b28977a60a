import type { PasswordMessages } from './password-messages';

/** Spanish, addressing the reader as «usted». */
export const es: PasswordMessages = {
  tooEasyToGuess: 'La contraseña es demasiado fácil de adivinar.',
  lengthOutOfRange: 'La contraseña debe tener entre {min} y {max} caracteres',
  breached:
    'Esta contraseña ha aparecido en filtraciones de datos conocidas, así que los atacantes la prueban pronto. Elija otra distinta.',
  breachCheckUnavailable:
    'En este momento no se pudo comprobar la contraseña frente a filtraciones de datos conocidas. Inténtelo de nuevo en un momento.',
  warnings: {
    straightRow: 'Las filas rectas de teclas del teclado son fáciles de adivinar.',
    keyPattern: 'Los patrones cortos de teclado son fáciles de adivinar.',
    simpleRepeat: 'Los caracteres repetidos como «aaa» son fáciles de adivinar.',
    extendedRepeat:
      'Los patrones de caracteres repetidos como «abcabcabc» son fáciles de adivinar.',
    sequences: 'Las secuencias de caracteres comunes como «abc» son fáciles de adivinar.',
    recentYears: 'Los años recientes son fáciles de adivinar.',
    dates: 'Las fechas son fáciles de adivinar.',
    topTen: 'Esta contraseña se usa muchísimo.',
    topHundred: 'Esta contraseña se usa con mucha frecuencia.',
    common: 'Esta es una contraseña de uso común.',
    similarToCommon: 'Esta contraseña se parece a una de uso común.',
    wordByItself: 'Las palabras sueltas son fáciles de adivinar.',
    namesByThemselves: 'Los nombres o apellidos sueltos son fáciles de adivinar.',
    commonNames: 'Los nombres y apellidos comunes son fáciles de adivinar.',
    userInputs: 'No debería contener datos personales ni relacionados con la página.',
    pwned: 'Su contraseña quedó expuesta en una filtración de datos en Internet.',
  },
  suggestions: {
    l33t: 'Evite sustituciones de letras previsibles como «@» por «a».',
    reverseWords: 'Evite palabras comunes escritas al revés.',
    allUppercase: 'Ponga algunas letras en mayúscula, pero no todas.',
    capitalization: 'Ponga en mayúscula más letras que la primera.',
    dates: 'Evite fechas y años relacionados con usted.',
    recentYears: 'Evite los años recientes.',
    associatedYears: 'Evite años relacionados con usted.',
    sequences: 'Evite secuencias de caracteres comunes.',
    repeated: 'Evite palabras y caracteres repetidos.',
    longerKeyboardPattern:
      'Use patrones de teclado más largos y cambie varias veces la dirección de escritura.',
    anotherWord: 'Añada más palabras que sean menos comunes.',
    useWords: 'Use varias palabras, pero evite frases comunes.',
    noNeed: 'Puede crear contraseñas seguras sin usar símbolos, números ni mayúsculas.',
    pwned: 'Si usa esta contraseña en otro sitio, debería cambiarla.',
  },
};

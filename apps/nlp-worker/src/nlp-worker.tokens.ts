export const NLP_CONFIG = Symbol('NLP_CONFIG');
export const NLP_POOL = Symbol('NLP_POOL');
export const NLP_STORE = Symbol('NLP_STORE');
export const NLP_READER = Symbol('NLP_READER');

export * from './secret-hash';
export * from './presented-key';
export * from './api-key-directory.service';
export * from './admin-key.guard';
export * from './auth.module';
export * from './management-principal';
